"""The term serialiser, as the store layer names it (it lives in :mod:`tipgraph.namespace.terms`,
below the SPARQL layer, so that query text and stored data are written by the same code)."""

from ..namespace.terms import iri_ref, nquads, ntriples, sparql_term

__all__ = ["iri_ref", "nquads", "ntriples", "sparql_term"]
