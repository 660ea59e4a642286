"""Namespaces: ``TG`` for the ontology (generated, closed) and ``TGD`` for curated identifiers.

>>> TG.implements
rdflib.term.URIRef('https://w3id.org/tipgraph/ontology#implements')
"""

from rdflib.namespace import Namespace

from ..resources import GRAPH_NS, ID_NS
from ._TG import TG

#: Identifiers of curated entities, e.g. ``TGD["org-0001"]`` (UNODC).
TGD = Namespace(ID_NS)
#: Names of the store's special graphs (ontology, inferred).
TGG = Namespace(GRAPH_NS)

#: Prefixes bound in query results, exports and maps.
PREFIXES = {
    "tg": "https://w3id.org/tipgraph/ontology#",
    "tgd": ID_NS,
    "tgg": GRAPH_NS,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}

__all__ = ["PREFIXES", "TG", "TGD", "TGG"]
