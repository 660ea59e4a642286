"""Check the data: SHACL shapes (pySHACL), curation checks generated from the ontology, and
OWL consistency (HermiT through owlready2).

Both checks return a report object and never print; each report has a ``text()`` method
that renders it for people. Neither ever follows ``owl:imports``; the reports list the
imports they skipped.

>>> import rdflib
>>> report = validate_shacl(rdflib.Graph())
>>> report.conforms, report.violations
(True, [])

The modules, one job each:

* :mod:`~tipgraph.validate.shacl`: :func:`validate_shacl`, :class:`ShaclReport`, :class:`Violation`;
* :mod:`~tipgraph.validate.engine`: :func:`validate_store`, the same checks run by the store's engine
  (the default of :meth:`tipgraph.KnowledgeGraph.validate`): the shapes compiled to SPARQL
  (:mod:`~tipgraph.validate.compiled`) and the curation checks as SPARQL
  (:mod:`~tipgraph.validate.curation_sparql`);
* :mod:`~tipgraph.validate.curation`: curators' mistakes (unknown ``tg:`` names, wrong kinds,
  derived properties stated, undefined ids), checked from the ontology, run by :func:`validate_shacl`;
* :mod:`~tipgraph.validate.vocabulary`: what the ontology declares, read at validation time;
* :mod:`~tipgraph.validate.locate`: ``file:line`` of a statement in the source files;
* :mod:`~tipgraph.validate.hermit`: :func:`check_consistency`, :class:`ConsistencyReport`;
* :mod:`~tipgraph.validate.owl_input`: the ontology plus data as HermiT gets it;
* :mod:`~tipgraph.validate.hints`: likely causes of an inconsistency (disjoint classes);
* :mod:`~tipgraph.validate.imports`: ``owl:imports`` found, stripped and reported, never followed;
* :mod:`~tipgraph.validate.workdir`: HermiT's temporary folder, and removing stale ones;
* :mod:`~tipgraph.validate.names`: how nodes are written in reports (:func:`short_name`);
* :mod:`~tipgraph.validate.union`: a Dataset as one graph;
* :mod:`~tipgraph.validate._worker`: the worker process that runs HermiT (not public).
"""

from __future__ import annotations

from .hermit import ConsistencyReport, check_consistency
from .names import short_name
from .compiled import UnsupportedShapeError
from .engine import validate_store
from .shacl import ShaclReport, Violation, validate_shacl

__all__ = [
    "ConsistencyReport",
    "ShaclReport",
    "UnsupportedShapeError",
    "Violation",
    "check_consistency",
    "short_name",
    "validate_shacl",
    "validate_store",
]
