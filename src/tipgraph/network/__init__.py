"""The knowledge graph projected into a typed :mod:`networkx` graph.

:func:`project` turns the RDF store into a :class:`networkx.MultiDiGraph` with a few
SELECT queries (never a loop over triples, which is slow on Oxigraph):

* nodes are the entities that have a ``tg:`` class, keyed by IRI, with ``label``,
  ``cls`` (most specific ``tg:`` class), ``group`` (coarse kind used for colour),
  ``aliases``, ``sources`` (labels of the source documents their facts come from),
  ``iri`` and ``curie``;
* edges are facts between two such entities, keyed by the relation's local name, with
  ``relation``, ``label``, ``sources`` and ``inferred`` (the fact is only in the
  inferred graph).

Inverse relations are shown once (``implements``, never also ``implementedBy``),
symmetric ones once per pair, and with ``prune=True`` facts that the map already shows
another way are left out: a super-property beside its sub-property for the same pair
(``participantIn`` beside ``gaveRemarksAt``), and inferred transitive shortcuts (a
wing that is a sub-organisation of its ministry's government) and property chains
whose two steps are both shown (``memberOf`` beside ``holdsPost`` + ``postIn``).
A node's ``sources`` are the sources of every graph that mentions it (the graphs of
shared entities in ``data/entities/`` are not sources). Nodes and edges also carry
``source_urls`` and ``source_dates``: each source's ``tg:sourceUrl`` and publication
date (``dcterms:issued``, ISO format), in the order of ``sources``, "" where unknown.

Engagements (n-ary organisation x programme x role x countries) are by default
collapsed into one edge organisation -> programme named after the role
(``implements``, ``funds``, ``accountableFor``, ``extends``), which keeps the
countries, the broader focus, the themes and the sources as attributes.

Modules: :mod:`~tipgraph.network.schema` (what the ontology says about classes and
relations), :mod:`~tipgraph.network.projection` (:func:`project`, step by step) and
:mod:`~tipgraph.network.lookup` (names to nodes, relations and places).

>>> import tipgraph
>>> G = project(tipgraph.load().store)
>>> G.nodes["https://w3id.org/tipgraph/id/org-0001"]["label"]
'UNODC'
"""

from .lookup import default_relations, node_for, resolve_place
from .projection import project
from .schema import GROUPS, ROLE_EDGES

__all__ = ["GROUPS", "ROLE_EDGES", "default_relations", "node_for", "project", "resolve_place"]
