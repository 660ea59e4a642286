"""SHACL shapes compiled to SPARQL SELECT queries, run by the store's own engine.

Each constraint of a shape that has targets becomes one query whose rows are the
validation results pySHACL would report for it: ``?focus`` and, for the components that
report one, ``?value``. Nested shapes (``sh:node``, ``sh:or``, ``sh:qualifiedValueShape``)
become ``EXISTS`` expressions inside them. The compiler works per constraint component
(:data:`SUPPORTED`), not per shape, so a new shape written with these components is checked
the moment it exists; a component it does not know raises :class:`UnsupportedShapeError`
when the shapes are compiled, never silently passing data.

Values from the shapes graph (classes, datatypes, patterns, ``sh:in`` members) are written
into the queries by the term serialiser (:func:`tipgraph.namespace.terms.sparql_term`).

Semantics follow SHACL Core as pySHACL implements it with ``inference="none"``: instances
are ``rdf:type/rdfs:subClassOf*`` in the data graph, comparisons that cannot be made are
violations, ``sh:in`` and ``sh:hasValue`` compare terms (not values).

>>> from tipgraph.resources import shapes_file
>>> checks = compile_shapes(Graph().parse(shapes_file()))
>>> len(checks) > 60, {"MinCount", "MaxCount", "Datatype", "Or"} <= {c.component_name for c in checks}
(True, True)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from ..errors import BadInputError
from ..namespace.terms import iri_ref, sparql_term

__all__ = ["SUPPORTED", "CompiledCheck", "UnsupportedShapeError", "compile_shapes"]


class UnsupportedShapeError(BadInputError):
    """The shapes use a SHACL feature the SPARQL compiler does not implement (use engine="pyshacl")."""


#: Constraint parameters the compiler implements (``sh:`` local names).
SUPPORTED = frozenset({
    "class", "datatype", "nodeKind", "node", "or", "and", "not", "xone", "pattern", "flags", "in", "hasValue",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength", "maxLength",
    "minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint",
})
#: Shape triples that are not constraints.
_NOT_CONSTRAINTS = frozenset({
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "path", "message",
    "severity", "name", "description", "order", "group", "defaultValue", "deactivated",
})
#: Datatypes whose lexical form the engine can check by a cast (an ill-typed literal does not cast).
_CASTABLE = frozenset(XSD[t] for t in (
    "boolean", "decimal", "integer", "float", "double", "date", "dateTime", "time", "gYear", "gYearMonth",
    "duration", "dayTimeDuration", "yearMonthDuration"))
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_VALUE_COMPONENTS = ("class", "datatype", "nodeKind", "node", "or", "and", "not", "xone", "pattern", "in",
                     "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength", "maxLength")


@dataclass(frozen=True)
class CompiledCheck:
    """One constraint of one shape as a query: rows ``(?focus, ?value)`` are its validation results."""

    shape: Node
    component: URIRef
    path: Node | None
    message: str | None
    severity: str
    sparql: str
    reports_value: bool

    @property
    def component_name(self) -> str:
        """``"MinCount"`` for ``sh:MinCountConstraintComponent``."""
        return str(self.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")


def _component(name: str) -> URIRef:
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.fresh = itertools.count()

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    # --- reading the shapes graph ------------------------------------------------
    def params(self, shape: Node) -> dict[str, list[Node]]:
        out: dict[str, list[Node]] = {}
        for p, o in self.g.predicate_objects(shape):
            if isinstance(p, URIRef) and str(p).startswith(str(SH)):
                name = str(p)[len(str(SH)):]
                if name not in SUPPORTED and name not in _NOT_CONSTRAINTS:
                    raise UnsupportedShapeError(
                        f"the SPARQL validator does not implement sh:{name} (shape {_name(shape)}): "
                        "validate with engine='pyshacl', or add the component to tipgraph.validate.compiled")
                out.setdefault(name, []).append(o)
        return out

    def one(self, params: dict[str, list[Node]], name: str) -> Node | None:
        values = params.get(name, [])
        if len(values) > 1 and name in ("path", "flags", "qualifiedValueShape", "qualifiedMinCount",
                                        "qualifiedMaxCount", "message"):
            raise UnsupportedShapeError(f"sh:{name} is given {len(values)} times on one shape")
        return values[0] if values else None

    def items(self, head: Node) -> list[Node]:
        return list(Collection(self.g, head))

    def path(self, node: Node, depth: int = 0) -> str:
        """A SHACL path as a SPARQL property path."""
        if depth > 30:
            raise UnsupportedShapeError("a SHACL path nested more than 30 deep")
        if isinstance(node, URIRef):
            return iri_ref(str(node))
        if (node, RDF.first, None) in self.g:
            parts = [self.path(x, depth + 1) for x in self.items(node)]
            return "(" + "/".join(parts) + ")"
        for pred, op in ((SH.inversePath, "^"),):
            inner = self.g.value(node, pred)
            if inner is not None:
                return f"{op}({self.path(inner, depth + 1)})"
        for pred, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = self.g.value(node, pred)
            if inner is not None:
                return f"({self.path(inner, depth + 1)}){suffix}"
        alt = self.g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(x, depth + 1) for x in self.items(alt)) + ")"
        raise UnsupportedShapeError(f"not a SHACL path: {_name(node)}")

    def targets(self, shape: Node, focus: str) -> str | None:
        parts = []
        for cls in self.g.objects(shape, SH.targetClass):
            parts.append(f"{focus} {_TYPE} {sparql_term(cls)} .")
        for node in self.g.objects(shape, SH.targetNode):
            parts.append(f"VALUES {focus} {{ {sparql_term(node)} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{focus} {sparql_term(p)} [] .")
        for p in self.g.objects(shape, SH.targetObjectsOf):
            parts.append(f"[] {sparql_term(p)} {focus} .")
        if (shape, RDF.type, RDFS.Class) in self.g and (shape, RDF.type, SH.NodeShape) in self.g:
            parts.append(f"{focus} {_TYPE} {sparql_term(shape)} .")  # an implicit class target
        if not parts:
            return None
        return "{ SELECT DISTINCT " + focus + " WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"

    # --- value-level components: an expression, true when ``v`` violates --------------
    def value_violation(self, name: str, param: Node, params: dict[str, list[Node]], v: str) -> str:
        if name == "class":
            return f"NOT EXISTS {{ {v} {_TYPE} {sparql_term(param)} }}"
        if name == "datatype":
            if param == RDF.langString:
                ok = f"isLiteral({v}) && LANG({v}) != \"\""
            else:
                ok = f"isLiteral({v}) && DATATYPE({v}) = {sparql_term(param)}"
                if param in _CASTABLE:
                    ok += f" && COALESCE(isLiteral({sparql_term(param)}(STR({v}))), false)"
            return f"!({ok})"
        if name == "nodeKind":
            tests: dict[Node, str] = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})",
                                      SH.Literal: f"isLiteral({v})",
                     SH.BlankNodeOrIRI: f"(isBlank({v}) || isIRI({v}))",
                     SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                     SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))"}
            if param not in tests:
                raise UnsupportedShapeError(f"not a node kind: {_name(param)}")
            return f"!{tests[param]}"
        if name == "node":
            return f"!({self.conforms(param, v)})"
        if name in ("or", "and", "xone"):
            each = [self.conforms(s, v) for s in self.items(param)]
            if not each:
                return "false" if name == "and" else "true"
            if name == "or":
                return "!(" + " || ".join(f"({c})" for c in each) + ")"
            if name == "and":
                return "!(" + " && ".join(f"({c})" for c in each) + ")"
            return "((" + " + ".join(f"IF({c}, 1, 0)" for c in each) + ") != 1)"
        if name == "not":
            return f"({self.conforms(param, v)})"
        if name == "pattern":
            flags = self.one(params, "flags")
            regex = f"REGEX(STR({v}), {sparql_term(Literal(str(param)))}" + (
                f", {sparql_term(Literal(str(flags)))})" if flags is not None else ")")
            return f"(isBlank({v}) || !{regex})"
        if name == "in":
            members = self.items(param)
            if any(isinstance(m, BNode) for m in members):
                raise UnsupportedShapeError("sh:in with a blank node member")
            if not members:
                return "true"
            return "!(" + " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) + ")"
        ops = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        if name in ops:
            return f"!COALESCE({v} {ops[name]} {sparql_term(param)}, false)"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {_int(param)}, false))"
        raise UnsupportedShapeError(f"sh:{name} is not a value constraint")  # pragma: no cover

    # --- nested shapes: an expression, true when ``v`` conforms to ``shape`` -------------
    def conforms(self, shape: Node, v: str) -> str:
        tests = [f"!({e})" for e in self.violations(shape, v)]
        return " && ".join(tests) if tests else "true"

    def violations(self, shape: Node, focus: str) -> Iterator[str]:
        """Expressions, each true when ``focus`` violates one constraint of ``shape`` (or its properties)."""
        params = self.params(shape)
        if "deactivated" in params and any(Literal(True) == d for d in params["deactivated"]):
            return
        path = self.one(params, "path")
        if path is None:
            for name in _VALUE_COMPONENTS:
                for param in params.get(name, []):
                    yield self.value_violation(name, param, params, focus)
            for param in params.get("hasValue", []):
                yield f"!sameTerm({focus}, {sparql_term(param)})"
            for prop in params.get("property", []):
                yield from self.violations(prop, focus)
            return
        p = self.path(path)
        for name in _VALUE_COMPONENTS:
            for param in params.get(name, []):
                w = self.var()
                yield f"EXISTS {{ {focus} {p} {w} FILTER({self.value_violation(name, param, params, w)}) }}"
        for param in params.get("hasValue", []):
            yield f"NOT EXISTS {{ {focus} {p} {sparql_term(param)} }}"
        for name in ("minCount", "maxCount"):
            for param in params.get(name, []):
                yield self.count_violation(name, _int(param), focus, p, None)
        if params.get("qualifiedValueShape"):
            q = self.one(params, "qualifiedValueShape")
            assert q is not None
            self.refuse_disjoint(params)
            for name in ("qualifiedMinCount", "qualifiedMaxCount"):
                for param in params.get(name, []):
                    yield self.count_violation(name, _int(param), focus, p, q)
        if any(Literal(True) == u for u in params.get("uniqueLang", [])):
            a, b = self.var(), self.var()
            yield (f"EXISTS {{ {focus} {p} {a} . {focus} {p} {b} FILTER(!sameTerm({a}, {b}) && LANG({a}) != \"\" "
                   f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for other in params.get(name, []):
                a, b = self.var(), self.var()
                yield (f"EXISTS {{ {focus} {p} {a} . {focus} {sparql_term(other)} {b} "
                       f"FILTER(!COALESCE({a} {op} {b}, false)) }}")

    def refuse_disjoint(self, params: dict[str, list[Node]]) -> None:
        if any(Literal(True) == d for d in params.get("qualifiedValueShapesDisjoint", [])):
            raise UnsupportedShapeError("sh:qualifiedValueShapesDisjoint true is not implemented")

    def count_violation(self, name: str, n: int, focus: str, p: str, qualified: Node | None) -> str:
        """A count constraint inside an expression (nested shapes): only the counts 0 and 1."""
        w = self.var()
        cond = f" FILTER({self.conforms(qualified, w)})" if qualified is not None else ""
        if name in ("minCount", "qualifiedMinCount"):
            if n <= 0:
                return "false"
            if n == 1:
                return f"NOT EXISTS {{ {focus} {p} {w}{cond} }}"
        else:
            if n == 0:
                return f"EXISTS {{ {focus} {p} {w}{cond} }}"
            if n == 1:
                w2 = self.var()
                cond2 = f" FILTER({self.conforms(qualified, w2)})" if qualified is not None else ""
                return f"EXISTS {{ {focus} {p} {w}{cond} {focus} {p} {w2}{cond2} FILTER(!sameTerm({w}, {w2})) }}"
        raise UnsupportedShapeError(f"sh:{name} {n} inside a nested shape (only 0 and 1 are compiled there)")

    # --- top-level: one query per constraint ----------------------------------------
    def compile(self) -> list[CompiledCheck]:
        out: list[CompiledCheck] = []
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(RDF.type, SH.PropertyShape))
        for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            shapes |= set(self.g.subjects(pred, None))
        for shape in sorted(shapes, key=str):
            for p in (SH.property, SH.node, SH.qualifiedValueShape):
                for nested in self.g.objects(shape, p):
                    self.params(nested)  # refuse an unknown component anywhere, even where never reached
            targets = self.targets(shape, "?focus")
            if targets is None:
                continue
            params = self.params(shape)
            if self.deactivated(params):
                continue
            if self.one(params, "path") is not None:
                out += self.property_checks(shape, shape, targets)
                continue
            out += self.node_checks(shape, params, targets)
            for prop in params.get("property", []):
                out += self.property_checks(prop, prop, targets)
        return out

    def deactivated(self, params: dict[str, list[Node]]) -> bool:
        return any(Literal(True) == d for d in params.get("deactivated", []))

    def meta(self, shape: Node) -> tuple[str | None, str]:
        messages = list(self.g.objects(shape, SH.message))
        english = [str(m) for m in messages if isinstance(m, Literal) and m.language in ("en", None)]
        written = english or sorted(str(m) for m in messages)
        message = written[0] if written else None
        severity = self.g.value(shape, SH.severity)
        return message, (str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation")

    def node_checks(self, shape: Node, params: dict[str, list[Node]], targets: str) -> list[CompiledCheck]:
        message, severity = self.meta(shape)
        out = []
        make: Callable[[str, str], CompiledCheck] = lambda name, expr: CompiledCheck(  # noqa: E731
            shape, _component(name), None, message, severity,
            f"SELECT ?focus (?focus AS ?value) WHERE {{ {targets} FILTER({expr}) }}", True)
        for name in _VALUE_COMPONENTS:
            for param in params.get(name, []):
                out.append(make(name, self.value_violation(name, param, params, "?focus")))
        for param in params.get("hasValue", []):
            out.append(make("hasValue", f"!sameTerm(?focus, {sparql_term(param)})"))
        return out

    def property_checks(self, shape: Node, _source: Node, targets: str) -> list[CompiledCheck]:
        params = self.params(shape)
        if self.deactivated(params):
            return []
        path_node = self.one(params, "path")
        assert path_node is not None
        p = self.path(path_node)
        message, severity = self.meta(shape)

        def check(name: str, sparql: str, value: bool) -> CompiledCheck:
            return CompiledCheck(shape, _component(name), path_node, message, severity, sparql, value)

        out = []
        for name in _VALUE_COMPONENTS:
            for param in params.get(name, []):
                expr = self.value_violation(name, param, params, "?value")
                out.append(check(name, f"SELECT DISTINCT ?focus ?value WHERE {{ {targets} ?focus {p} ?value . "
                                       f"FILTER({expr}) }}", True))
        for param in params.get("hasValue", []):
            out.append(check("hasValue", f"SELECT ?focus WHERE {{ {targets} FILTER NOT EXISTS "
                                         f"{{ ?focus {p} {sparql_term(param)} }} }}", False))
        for name in ("minCount", "maxCount"):
            for param in params.get(name, []):
                out.append(check(name, self.count_query(name, _int(param), targets, p, None), False))
        if params.get("qualifiedValueShape"):
            q = self.one(params, "qualifiedValueShape")
            assert q is not None
            self.refuse_disjoint(params)
            for name in ("qualifiedMinCount", "qualifiedMaxCount"):
                for param in params.get(name, []):
                    out.append(check(name, self.count_query(name, _int(param), targets, p, q), False))
        if any(Literal(True) == u for u in params.get("uniqueLang", [])):
            out.append(check("uniqueLang", f"SELECT ?focus WHERE {{ {targets} ?focus {p} ?value . "
                                           "FILTER(LANG(?value) != \"\") } GROUP BY ?focus (LCASE(LANG(?value))) "
                                           "HAVING (COUNT(DISTINCT ?value) > 1)", False))
        for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
            for other in params.get(name, []):
                out.append(check(name, f"SELECT ?focus ?value WHERE {{ {{ SELECT DISTINCT ?focus ?value ?other "
                                       f"WHERE {{ {targets} ?focus {p} ?value . ?focus {sparql_term(other)} ?other . "
                                       f"FILTER(!COALESCE(?value {op} ?other, false)) }} }} }}", True))
        return out

    def count_query(self, name: str, n: int, targets: str, p: str, qualified: Node | None) -> str:
        cond = f" FILTER({self.conforms(qualified, '?value')})" if qualified is not None else ""
        low = name in ("minCount", "qualifiedMinCount")
        if low and n == 1 and qualified is not None:
            # The foci that have a conforming value, found once for all (the engine plans the path from
            # the values' side), then taken away: a NOT EXISTS per focus re-walks the path each time.
            return (f"SELECT ?focus WHERE {{ {targets} MINUS {{ SELECT DISTINCT ?focus WHERE "
                    f"{{ ?focus {p} ?value{cond} }} }} }}")
        if low and n == 1:
            return f"SELECT ?focus WHERE {{ {targets} FILTER NOT EXISTS {{ ?focus {p} ?value{cond} }} }}"
        if low:
            return (f"SELECT ?focus WHERE {{ {targets} OPTIONAL {{ ?focus {p} ?value{cond} }} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) < {n})")
        return (f"SELECT ?focus WHERE {{ {targets} ?focus {p} ?value{cond} }} "
                f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) > {n})")


def _int(node: Node) -> int:
    try:
        return int(str(node))
    except ValueError:
        raise UnsupportedShapeError(f"not a whole number: {node!r}") from None


def _name(node: Node) -> str:
    from .names import term_text

    return term_text(node)


def compile_shapes(shapes: Graph) -> list[CompiledCheck]:
    """Every constraint of every targeted shape in ``shapes``, as a query; refuses what it cannot compile."""
    return _Compiler(shapes).compile()
