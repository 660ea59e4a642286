"""The generated DefinedNamespace must match the ontology it is generated from."""

from tipgraph.namespace import TG
from tipgraph.namespace.generate import render, target


def test_generated_namespace_is_current() -> None:
    assert target().read_text(encoding="utf-8") == render(), (
        "src/tipgraph/namespace/_TG.py is out of date with ontology/tipgraph.ttl: "
        "run 'make namespace' (python -m tipgraph.namespace) and commit the result")


def test_namespace_is_closed() -> None:
    assert str(TG.implements) == "https://w3id.org/tipgraph/ontology#implements"
    try:
        TG.implementz  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("TG accepted a term the ontology does not define")
