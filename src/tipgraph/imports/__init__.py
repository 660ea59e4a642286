"""Importers of structured sources: IATI activity files, curator spreadsheets, ranking tables.

Each importer keeps the raw file apart from what it makes of it: the file is read and checked,
turned into one source graph (TriG) with its catalogue entry, and added through the same checked
path as hand-written data.
"""
