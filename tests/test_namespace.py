"""The generated DefinedNamespace must match the ontology it is generated from."""

import pytest

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


@pytest.mark.parametrize("nested", [False, True])
def test_shortener_shortens_as_shorten_does_in_any_order(nested: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortener tries the namespace it found last first; whatever came before, it gives
    what shorten gives, for IRIs in every namespace, in none, and just outside one; also where
    one namespace starts another (none of ours does: ``nested`` adds two that do)."""
    import random

    import tipgraph.namespace as namespace
    from tipgraph.namespace import shorten, shortener

    PREFIXES = dict(namespace.PREFIXES)
    if nested:
        PREFIXES |= {"wide": "https://w3id.org/tipgraph/", "narrow": "https://w3id.org/tipgraph/id/org-"}
        by_length = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
        monkeypatch.setattr(namespace, "_BY_LENGTH", by_length)
        monkeypatch.setattr(namespace, "_LEAST", frozenset(
            ns for _, ns in by_length if not any(o != ns and o.startswith(ns) for _, o in by_length)))
    iris = ["urn:x", "", "http://", "https://w3id.org/tipgraph/"]
    for ns in PREFIXES.values():
        iris += [ns, f"{ns}x", f"{ns}a/b#c", f"{ns[:-1]}x", f"{ns[:-1]}", f"{ns}{ns}", f"x{ns}y"]
        iris += [f"{other}z" for other in PREFIXES.values() if other.startswith(ns) and other != ns]
    expected = [shorten(i) for i in iris]
    # positive control: most of them are shortened, some are not
    assert sum(e != i for e, i in zip(expected, iris, strict=True)) > len(PREFIXES) * 2 and "urn:x" in expected
    for seed in range(20):
        order = list(range(len(iris)))
        random.Random(seed).shuffle(order)
        short = shortener()
        assert [short(iris[k]) for k in order] == [expected[k] for k in order], seed
