"""The projected network as files for other tools: GraphML or GEXF (Gephi), or a CSV edge list.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> _ = G.add_edge("a", "b", key="funds", relation="funds", label="funds", sources=["doc 1", "doc 2"])
>>> print(edge_list_csv(G), end="")
source,source_label,relation,relation_label,target,target_label,inferred,sources,role,countries
a,a,funds,funds,b,b,false,doc 1; doc 2,,
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import UnknownNameError
from ..files import atomic_write
from .graph import label

__all__ = ["CSV_COLUMNS", "EXPORT_FORMATS", "edge_list_csv", "export_graph"]

#: Formats :func:`export_graph` writes, by file suffix.
EXPORT_FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".csv": "csv"}
#: The columns of :func:`edge_list_csv`.
CSV_COLUMNS = ["source", "source_label", "relation", "relation_label", "target", "target_label", "inferred",
               "sources", "role", "countries"]


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _flat_graph(G: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all strings, numbers or booleans (what GraphML and GEXF hold)."""
    F = G.__class__()
    F.graph.update({k: _flat(v) for k, v in G.graph.items() if v is not None and not isinstance(v, dict)})
    F.add_nodes_from((n, {k: _flat(v) for k, v in d.items() if v is not None}) for n, d in G.nodes(data=True))
    if G.is_multigraph():
        F.add_edges_from((u, v, key, {k: _flat(x) for k, x in d.items() if x is not None})
                         for u, v, key, d in G.edges(keys=True, data=True))
    else:
        F.add_edges_from((u, v, {k: _flat(x) for k, x in d.items() if x is not None}) for u, v, d in G.edges(data=True))
    return F


def edge_list_csv(G: nx.Graph) -> str:
    """The edges as CSV: one row per fact, node IRIs and labels, list values joined with '; '."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    edges = G.edges(keys=True, data=True) if G.is_multigraph() else ((u, v, d.get("relation", ""), d)
                                                                      for u, v, d in G.edges(data=True))
    for u, v, key, d in edges:
        w.writerow([u, label(G, u), d.get("relation", key), d.get("label", key), v, label(G, v),
                    "true" if d.get("inferred") else "false", _flat(d.get("sources", [])),
                    d.get("role", ""), _flat(d.get("countries", []))])
    return buf.getvalue()


def export_graph(G: nx.Graph, path: str | Path, format: str | None = None) -> Path:
    """Write the graph as GraphML, GEXF (for Gephi) or a CSV edge list; format from the suffix.

    The file is written atomically: a failure leaves any old file untouched.
    """
    path = Path(path)
    fmt = format or EXPORT_FORMATS.get(path.suffix.lower())
    if fmt not in EXPORT_FORMATS.values():
        raise UnknownNameError("network export format", str(format or path.suffix), list(EXPORT_FORMATS.values()))
    if fmt == "csv":
        return atomic_write(path, edge_list_csv(G))
    buf = io.BytesIO()
    flat = _flat_graph(G)
    if fmt == "graphml":
        nx.write_graphml(flat, buf, encoding="utf-8")
    else:
        nx.write_gexf(flat, buf, encoding="utf-8")
    return atomic_write(path, buf.getvalue())
