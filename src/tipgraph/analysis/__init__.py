"""Network analysis of the projected graph: who is central, who brokers, what links two actors.

Everything works on the :class:`networkx.MultiDiGraph` that :func:`tipgraph.network.project`
returns (or any graph with the same attributes); measures that ignore direction use its
*simple undirected view* (one link per pair of nodes, whatever the relations and
directions). Reading the store is not this package's job: :meth:`tipgraph.KnowledgeGraph.analyze`
projects the store, resolves names and calls :func:`analyze`.

* :func:`analyze` - degree and betweenness centrality, communities (Louvain, fixed
  seed), brokers (articulation points, ranked by how many nodes they alone connect)
  and bridges, in an :class:`AnalysisReport` (``.text()`` / ``.to_dict()``);
  optionally on an ego network, with chains and exports
  (:mod:`~tipgraph.analysis.report`, :mod:`~tipgraph.analysis.measures`);
* :func:`chain` / :func:`chains` - the shortest chain(s) of facts linking two nodes,
  explained fact by fact with sources; :func:`brokers_between` - the nodes every path
  between two nodes goes through; :func:`ego` - a node's neighbourhood
  (:mod:`~tipgraph.analysis.chains`);
* :func:`export_graph` - GraphML or GEXF for Gephi, or a CSV edge list, atomically
  (:mod:`~tipgraph.analysis.export`).

>>> import tipgraph
>>> G = tipgraph.load().network()
>>> chain(G, "European Union", "PROTECT").summary()
'European Union —funds→ PROTECT'
"""

from .chains import Chain, ChainStep, brokers_between, chain, chains, ego
from .export import CSV_COLUMNS, EXPORT_FORMATS, edge_list_csv, export_graph
from .graph import simple_view
from .measures import SEED, Broker, Community, Ranked, articulation_cut_offs
from .report import AnalysisReport, analyze

__all__ = ["CSV_COLUMNS", "EXPORT_FORMATS", "SEED", "AnalysisReport", "Broker", "Chain", "ChainStep", "Community",
           "Ranked", "analyze", "articulation_cut_offs", "brokers_between", "chain", "chains", "edge_list_csv",
           "ego", "export_graph", "simple_view"]
