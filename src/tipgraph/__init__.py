"""tipgraph: an open knowledge graph of who does what against trafficking in persons
and smuggling of migrants.

>>> import tipgraph
>>> kg = tipgraph.load()
>>> kg.query("implementers-of-programme", programme="PROTECT").column("organisationLabel")
['European Union', 'ICMPD', 'UNODC']
"""

from .errors import (AmbiguousNameError, BadInputError, InternalError, NotConformingError, QueryRefusedError,
                     QueryTimeoutError, StoreLockedError, TipgraphError, UnknownNameError, WorkerMemoryError)
from .kg import BuildReport, KnowledgeGraph, Stats, ValidationResult, build, load
from .namespace import TG, TGD
from .query import NamedQuery, QueryResult, named_queries
from .sparql import Limits
from .store import open_store

__version__ = "0.1.0"

__all__ = [
    "TG", "TGD", "AmbiguousNameError", "BadInputError", "BuildReport", "InternalError", "KnowledgeGraph",
    "Limits", "NamedQuery", "NotConformingError", "QueryRefusedError", "QueryResult", "QueryTimeoutError",
    "Stats", "StoreLockedError", "TipgraphError", "UnknownNameError", "ValidationResult", "WorkerMemoryError",
    "__version__", "build", "load", "named_queries", "open_store",
]
