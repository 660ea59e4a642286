"""The projected network as files for other tools: GraphML, GEXF (Gephi), or CSV lists of edges and nodes.

GEXF carries what Gephi draws: each node's ``viz`` colour (its map group's), position (the
map's Python layout) and size (by degree), and the ``start`` / ``end`` dates of events and
engagements, so that Gephi's timeline works; internal attributes (``networkx_key``, the
layout's bookkeeping) are left out. Nodes are keyed by IRI in every format, and the CSV
edge list names each relation's IRI, so rows join back to query results.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> _ = G.add_edge("a", "b", key="funds", relation="funds", label="funds", sources=["doc 1", "doc 2"])
>>> print(edge_list_csv(G), end="")
source,source_label,relation,relation_label,target,target_label,inferred,sources,role,countries,relation_iri,start,end
a,a,funds,funds,b,b,false,doc 1; doc 2,,,,,
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import UnknownNameError
from ..files import atomic_write
from ..network.schema import TG_IRI
from .graph import label

__all__ = ["CSV_COLUMNS", "EXPORT_FORMATS", "NODE_CSV_COLUMNS", "edge_list_csv", "export_graph", "gexf_graph",
           "node_list_csv"]

#: Formats :func:`export_graph` writes, by file suffix (``.nodes.csv`` is the node list).
EXPORT_FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".csv": "csv", ".nodes.csv": "nodes-csv"}
#: The columns of :func:`edge_list_csv`.
CSV_COLUMNS = ["source", "source_label", "relation", "relation_label", "target", "target_label", "inferred",
               "sources", "role", "countries", "relation_iri", "start", "end"]
#: The columns of :func:`node_list_csv`.
NODE_CSV_COLUMNS = ["id", "curie", "label", "class", "group", "aliases", "sources", "start", "end", "facts"]
#: Attributes no other tool should see: the GEXF writer's multigraph key and map bookkeeping.
_INTERNAL = {"networkx_key", "key", "focus", "view"}


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)) and value and all(isinstance(v, (list, tuple)) for v in value):
        return "; ".join(": ".join(str(x) for x in v) for v in value)  # facts: [[name, value], ...]
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _flat_graph(G: nx.Graph) -> nx.Graph:
    """A copy whose attributes are all strings, numbers or booleans (what GraphML and GEXF hold)."""
    F = G.__class__()
    F.graph.update({k: _flat(v) for k, v in G.graph.items()
                    if v is not None and not isinstance(v, dict) and k not in _INTERNAL})
    F.add_nodes_from((n, {k: _flat(v) for k, v in d.items() if v is not None and k not in _INTERNAL})
                     for n, d in G.nodes(data=True))
    if G.is_multigraph():
        F.add_edges_from((u, v, key, {k: _flat(x) for k, x in d.items() if x is not None and k not in _INTERNAL})
                         for u, v, key, d in G.edges(keys=True, data=True))
    else:
        F.add_edges_from((u, v, {k: _flat(x) for k, x in d.items() if x is not None and k not in _INTERNAL})
                         for u, v, d in G.edges(data=True))
    return F


def _rgb(hex_colour: str) -> dict[str, int | float]:
    return {"r": int(hex_colour[1:3], 16), "g": int(hex_colour[3:5], 16), "b": int(hex_colour[5:7], 16), "a": 1.0}


def gexf_graph(G: nx.Graph) -> nx.Graph:
    """A flat copy of ``G`` ready for GEXF: ``viz`` colours, positions and sizes, ``start`` / ``end`` dates.

    Edges get ids ``e0``, ``e1`` ... and their relation label as ``label``.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="A", group="event", start="2024-10-11")
    >>> G.add_edge("a", "b", key="heldIn", label="held in")
    'heldIn'
    >>> F = gexf_graph(G)
    >>> F.nodes["a"]["viz"]["color"], F.nodes["a"]["start"]
    ({'r': 213, 'g': 94, 'b': 0, 'a': 1.0}, '2024-10-11')
    """
    from ..maps.layout import compute_layout
    from ..maps.payload import GROUP_STYLES

    F = _flat_graph(G)
    pos = compute_layout(G) if G.number_of_nodes() else {}
    degree = dict(G.degree())
    for n, d in F.nodes(data=True):
        group = str(d.get("group", "other"))
        if group == "other" and d.get("cls") == "Ranking":
            group = "ranking"
        colour = GROUP_STYLES.get(group, GROUP_STYLES["other"])["color"]
        x, y = pos.get(n, (0.0, 0.0))
        d["viz"] = {"color": _rgb(colour), "position": {"x": float(x), "y": float(-y), "z": 0.0},
                    "size": round(6.0 + 2.4 * math.sqrt(degree.get(n, 0)), 2)}
        for attr in ("start", "end"):
            if d.get(attr):
                d[attr] = str(d[attr])[:10]
    edges = F.edges(keys=True, data=True) if F.is_multigraph() else ((u, v, None, d) for u, v, d in F.edges(data=True))
    for i, (_, _, key, d) in enumerate(edges):
        d["id"] = f"e{i}"
        d.setdefault("relation", key)
        for attr in ("start", "end"):
            if d.get(attr):
                d[attr] = str(d[attr])[:10]
    return F


def _without_internal_gexf(data: bytes) -> bytes:
    """Drop the ``networkx_key`` attribute the networkx GEXF writer adds to multigraph edges."""
    ns = re.search(rb'xmlns="([^"]+)"', data)
    if not ns or b"networkx_key" not in data:
        return data
    uri = ns.group(1).decode()
    ET.register_namespace("", uri)
    ET.register_namespace("viz", "http://gexf.net/1.2/viz" if "1.2" in uri and "draft" not in uri
                          else "http://www.gexf.net/1.2draft/viz")
    root = ET.fromstring(data)
    q = "{" + uri + "}"
    ids = set()
    for attributes in root.iter(q + "attributes"):
        for a in list(attributes):
            if a.get("title") == "networkx_key":
                ids.add(a.get("id"))
                attributes.remove(a)
    for values in root.iter(q + "attvalues"):
        for v in list(values):
            if v.get("for") in ids:
                values.remove(v)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def node_list_csv(G: nx.Graph) -> str:
    """The nodes as CSV: IRI (as ``id``, the same as query results give), prefixed name, label, kind, facts.

    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label="A", cls="Workshop", group="event", start="2024-10-11",
    ...            facts=[["participant count", "68"]])
    >>> print(node_list_csv(G), end="")
    id,curie,label,class,group,aliases,sources,start,end,facts
    urn:a,,A,Workshop,event,,,2024-10-11,,participant count: 68
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(NODE_CSV_COLUMNS)
    for n, d in G.nodes(data=True):
        w.writerow([n, d.get("curie", ""), label(G, n), d.get("cls", ""), d.get("group", ""),
                    _flat(d.get("aliases", [])), _flat(d.get("sources", [])), d.get("start", ""), d.get("end", ""),
                    _flat(d.get("facts", []))])
    return buf.getvalue()


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
                    d.get("role", ""), _flat(d.get("countries", [])),
                    d.get("iri", "") if str(d.get("iri", "")).startswith(TG_IRI) else "",
                    d.get("start", ""), d.get("end", "")])
    return buf.getvalue()


def export_graph(G: nx.Graph, path: str | Path, format: str | None = None) -> Path:
    """Write the graph as GraphML, GEXF (for Gephi), a CSV edge list (``.csv``) or node list (``.nodes.csv``).

    The format comes from the suffix unless ``format`` names it. The file is written
    atomically: a failure leaves any old file untouched.
    """
    path = Path(path)
    suffix = ".nodes.csv" if path.name.lower().endswith(".nodes.csv") else path.suffix.lower()
    fmt = format or EXPORT_FORMATS.get(suffix)
    if fmt not in EXPORT_FORMATS.values():
        raise UnknownNameError("network export format", str(format or path.suffix), list(EXPORT_FORMATS.values()))
    if fmt == "csv":
        return atomic_write(path, edge_list_csv(G))
    if fmt == "nodes-csv":
        return atomic_write(path, node_list_csv(G))
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(_flat_graph(G), buf, encoding="utf-8")
        return atomic_write(path, buf.getvalue())
    nx.write_gexf(gexf_graph(G), buf, encoding="utf-8", version="1.2draft")
    return atomic_write(path, _without_internal_gexf(buf.getvalue()))
