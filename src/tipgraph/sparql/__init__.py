"""SPARQL as text: reading it as the engines do (:mod:`.lexical`) and refusing what a
query may not do (:mod:`.safety`: network and file access, updates).

>>> from tipgraph.sparql import check_query
>>> check_query("SELECT * WHERE { ?s ?p ?o }")
"""

from .safety import DEFAULT_MAX_ROWS, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Limits, check_query

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_MEMORY_MB", "DEFAULT_TIMEOUT", "Limits", "check_query"]
