"""One store interface, several backends, one factory that opens them by location.

=====================  ==============================================================
location               store
=====================  ==============================================================
``"oxigraph:"``        Oxigraph in memory (the default)
``"out/store"``        a persistent Oxigraph store in that directory
``"oxigraph:DIR"``     the same, spelt out
``"memory:"``          rdflib's pure-Python memory store (the portable fallback)
``"sparql+http://H"``  a SPARQL 1.1 server over HTTP (also ``sparql+https://``)
=====================  ==============================================================

>>> s = open_store("memory:")
>>> s.backend, s.capabilities.transactions
('memory', False)
>>> open_store().backend
'oxigraph'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UnknownNameError
from .base import BULK_FORMATS, Capabilities, Quad, RawResult, Store, normalise
from .memory import MemoryStore
from .oxigraph import OxigraphStore
from .persist import replace_directory
from .sparql import SparqlStore

#: Backends by name (the scheme of a location).
BACKENDS: dict[str, type[Store]] = {"oxigraph": OxigraphStore, "memory": MemoryStore}
#: Backends that live on a server, opened only with an address (``sparql+http://HOST:PORT/PATH``).
#: Kept apart from :data:`BACKENDS`, whose every entry opens in memory by its bare name.
REMOTE_BACKENDS: dict[str, type[Store]] = {"sparql+http": SparqlStore, "sparql+https": SparqlStore}


def open_store(location: str | Path = "oxigraph:") -> Store:
    """Open a store by location: ``"oxigraph:"``, ``"memory:"``, ``"oxigraph:DIR"``, a directory or a server.

    A bare backend name (``"memory"``) means that backend in memory.
    """
    text = str(location)
    scheme, sep, rest = text.partition(":")
    if scheme in REMOTE_BACKENDS and not isinstance(location, Path):
        return REMOTE_BACKENDS[scheme](text)  # type: ignore[call-arg]
    if isinstance(location, Path) or not sep or len(scheme) == 1:  # a path (also C:\\ on Windows)
        if not sep and text in BACKENDS:
            return BACKENDS[text]()
        return OxigraphStore(Path(text))
    cls: Any
    try:
        cls = BACKENDS[scheme]
    except KeyError:
        raise UnknownNameError("store location scheme", scheme + ":", [b + ":" for b in [*BACKENDS, *REMOTE_BACKENDS]],
                               hint="or give the directory of a persistent store") from None
    return cls(Path(rest)) if rest else cls()


__all__ = ["BACKENDS", "BULK_FORMATS", "REMOTE_BACKENDS", "Capabilities", "MemoryStore", "OxigraphStore", "Quad",
           "RawResult", "SparqlStore", "Store", "normalise", "open_store", "replace_directory"]
