"""Queries never reach the network or the file system, by any spelling an engine accepts."""
