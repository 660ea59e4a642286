"""tipgraph: an open knowledge graph of who does what against trafficking in persons
and smuggling of migrants.

>>> import tipgraph
>>> kg = tipgraph.load()
>>> kg.query("implementers-of-programme", programme="PROTECT").column("organisationLabel")
['European Union', 'ICMPD', 'UNODC']
"""

from .errors import (BadInputError, NotConformingError, QueryRefusedError, QueryTimeoutError, TipgraphError,
                     UnknownNameError)
from .kg import BuildReport, KnowledgeGraph, Stats, ValidationResult, build, load
from .namespace import TG, TGD
from .query import NamedQuery, QueryResult, named_queries
from .sparql import Limits

__version__ = "0.1.0"

__all__ = [
    "BadInputError", "BuildReport", "KnowledgeGraph", "Limits", "NamedQuery", "NotConformingError",
    "QueryRefusedError", "QueryResult", "QueryTimeoutError", "Stats", "TG", "TGD", "TipgraphError",
    "UnknownNameError", "ValidationResult", "__version__", "build", "load", "named_queries",
]
