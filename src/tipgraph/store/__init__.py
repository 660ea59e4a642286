"""One store interface, several backends, one factory that opens them by location.

=====================  ==============================================================
location               store
=====================  ==============================================================
``"oxigraph:"``        Oxigraph in memory (the default)
``"out/store"``        a persistent Oxigraph store in that directory
``"oxigraph:DIR"``     the same, spelt out
``"memory:"``          rdflib's pure-Python memory store (the portable fallback)
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

#: Backends by name (the scheme of a location).
BACKENDS: dict[str, type[Store]] = {"oxigraph": OxigraphStore, "memory": MemoryStore}


def open_store(location: str | Path = "oxigraph:") -> Store:
    """Open a store by location: ``"oxigraph:"``, ``"memory:"``, ``"oxigraph:DIR"`` or a directory.

    A bare backend name (``"memory"``) means that backend in memory.
    """
    text = str(location)
    scheme, sep, rest = text.partition(":")
    if isinstance(location, Path) or not sep or len(scheme) == 1:  # a path (also C:\\ on Windows)
        if not sep and text in BACKENDS:
            return BACKENDS[text]()
        return OxigraphStore(Path(text))
    cls: Any
    try:
        cls = BACKENDS[scheme]
    except KeyError:
        raise UnknownNameError("store location scheme", scheme + ":", [b + ":" for b in BACKENDS],
                               hint="or give the directory of a persistent store") from None
    return cls(Path(rest)) if rest else cls()


__all__ = ["BACKENDS", "BULK_FORMATS", "Capabilities", "MemoryStore", "OxigraphStore", "Quad", "RawResult",
           "Store", "normalise", "open_store", "replace_directory"]
