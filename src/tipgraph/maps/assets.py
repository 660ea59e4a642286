"""What a map page is made of, and how it stays safe: the inlined scripts and styles, their
Content-Security-Policy hashes, and JSON that cannot end its script element.

The vis-network build is the one that ships inside the ``pyvis`` package; our own
template (``templates/map.html``), script (``assets/map.js``) and style
(``assets/map.css``) ship with tipgraph.

>>> csp_hash("")
"'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["VIS_VERSION", "asset", "csp_hash", "json_for_html", "script_safe", "vis_network_js"]

#: The vis-network version inlined into every page (the one pyvis ships).
VIS_VERSION = "9.1.2"


def _pyvis_dir() -> Path:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("maps need pyvis (it ships the vis-network library): pip install 'tipgraph[maps]'")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network build shipped inside the installed pyvis package, ready to inline."""
    path = _pyvis_dir() / "templates" / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportError(f"pyvis does not ship vis-network {VIS_VERSION} where expected ({path}); "
                          "install the supported version: pip install 'tipgraph[maps]'") from None
    return script_safe(text)


def script_safe(js: str) -> str:
    """Make sure a script cannot end its <script> element early or enter the HTML comment state.

    >>> script_safe("a = '</script>'")
    "a = '<\\\\/script>'"
    """
    return re.sub(r"<(/script|!--)", lambda m: "<\\" + m.group(1), js, flags=re.IGNORECASE)


@lru_cache(maxsize=4)
def asset(name: str) -> str:
    """One of tipgraph's own page parts: ``map.html`` (template), ``map.js`` or ``map.css``."""
    package = Path(__file__).resolve().parent.parent
    folder = "templates" if name.endswith(".html") else "assets"
    return (package / folder / name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def json_for_html(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script type="application/json">`` element.

    >>> json_for_html({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text
