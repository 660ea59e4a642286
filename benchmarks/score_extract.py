"""Score the extractor against gold facts: precision and recall per relation and overall.

    python benchmarks/score_extract.py [DIR ...] [--seed] [--json] [--verbose]

Each release ``NAME.txt`` / ``NAME.html`` in a folder (default ``benchmarks/releases/dev``) has
``NAME.gold.json`` beside it (format and conventions: ``benchmarks/releases/README.md``). Releases
are read with :func:`tipgraph.extract.text.read_release` and extracted with
:func:`tipgraph.extract.pipeline.extract` against the seed graph's entity index. ``--seed`` also
scores the seed release (``benchmarks/releases/seed.gold.json``) when its text is on this machine.

The matching is in plain functions (:func:`score_release`, :func:`align_events`, :func:`total`)
that the tests call on hand-made candidates.

>>> g = gold_from_dict({"facts": [{"relation": "funds", "subject": ["European Union", "EU"],
...                                "object": "PROTECT"}]})
>>> from tipgraph.extract.candidates import Candidate, Mention
>>> c = Candidate("funds", Mention("EU", 0, 2, "organisation", "European Union"),
...               Mention("PROTECT", 10, 17, "programme", "PROTECT"), (0, 17), "funding", 0.9)
>>> s = score_release([c], [], [], g)
>>> s.rows["funds"].tp, s.rows["funds"].fp, s.rows["funds"].fn
(1, 0, 0)
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tipgraph.countries import normalise
from tipgraph.extract.candidates import RELATIONS, Candidate, Mention, Value

HERE = Path(__file__).resolve().parent
DEV = HERE / "releases" / "dev"
SEED_GOLD = HERE / "releases" / "seed.gold.json"
SEED_DIR = Path(os.environ.get("TIPGRAPH_SEEDS", "/work/shared/seeds"))
RELEASE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
TARGET_PRECISION = 0.95
TARGET_RECALL = 0.9

Scalar = str | int


@dataclass(frozen=True)
class GoldFact:
    """One fact of a gold file; each end is the tuple of its acceptable spellings (or one value)."""

    relation: str
    subject: tuple[Scalar, ...]
    object: tuple[Scalar, ...]
    post: str = ""

    def __str__(self) -> str:
        def show(end: tuple[Scalar, ...]) -> str:
            return str(end[0]) if len(end) == 1 else "|".join(map(str, end))
        extra = f" (post: {self.post})" if self.post else ""
        return f"{self.relation}({show(self.subject)}, {show(self.object)}){extra}"


@dataclass
class Gold:
    """A release's gold file."""

    facts: list[GoldFact]
    not_: list[str] = field(default_factory=list)
    published: str = ""
    language: str = "en"
    release: str = ""  # for seed.gold.json: the file name of the seed text


def _end(value: Any) -> tuple[Scalar, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(v for v in values if isinstance(v, (str, int)))


def gold_from_dict(data: dict[str, Any]) -> Gold:
    """A :class:`Gold` from a parsed gold file (no validation: see the tests for that)."""
    facts = [GoldFact(f["relation"], _end(f["subject"]), _end(f["object"]), str(f.get("post", "")))
             for f in data.get("facts", [])]
    return Gold(facts, [str(s) for s in data.get("not", [])], str(data.get("published", "")),
                str(data.get("language", "en")), str(data.get("release", "")))


def load_gold(path: Path) -> Gold:
    """Read ``NAME.gold.json``."""
    return gold_from_dict(json.loads(path.read_text(encoding="utf-8")))


def gold_path(release: Path) -> Path:
    """The gold file beside a release: ``x.html`` → ``x.gold.json``."""
    return release.with_name(release.stem + ".gold.json")


def release_files(folder: Path) -> list[Path]:
    """The releases of a folder (files with a release suffix, not its README), sorted by name."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in RELEASE_SUFFIXES and p.is_file() and p.stem.lower() != "readme")


# ---------------------------------------------------------------- matching

def is_event(end: Mention | Value) -> bool:
    """Whether a candidate's end is one of the release's events."""
    return isinstance(end, Mention) and end.kind == "event"


def end_matches(end: Mention | Value, gold: tuple[Scalar, ...], events: dict[str, str]) -> bool:
    """Whether a candidate's end matches a gold end (``events`` maps gold ``@eN`` to extractor labels)."""
    if any(isinstance(g, str) and g.startswith("@e") for g in gold):
        return is_event(end) and any(isinstance(end, Mention) and events.get(str(g)) == end.label for g in gold)
    if is_event(end):
        return False
    if isinstance(end, Value):
        return any(end.value == g or (isinstance(g, str) and str(end.value) == g)
                   or (isinstance(g, int) and str(end.value).strip().isdigit() and int(str(end.value)) == g)
                   for g in gold)
    wanted = {normalise(g) for g in gold if isinstance(g, str)}
    return normalise(end.label) in wanted or normalise(end.text) in wanted


def fact_matches(c: Candidate, fact: GoldFact, events: dict[str, str]) -> bool:
    """Whether the candidate states the gold fact."""
    return (c.relation == fact.relation and end_matches(c.subject, fact.subject, events)
            and end_matches(c.object, fact.object, events))


def _end_key(end: Mention | Value) -> str:
    if isinstance(end, Value):
        return f"v:{end.value}"
    return f"e:{end.label}" if end.kind == "event" else f"m:{normalise(end.label)}"


def unique_candidates(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The candidates that count: not negated, one per (relation, subject, object) in first-seen order."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for c in candidates:
        if c.negated:
            continue
        key = (c.relation, _end_key(c.subject), _end_key(c.object))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _gold_events(facts: Sequence[GoldFact]) -> list[str]:
    found = {str(g) for f in facts for g in f.subject + f.object if isinstance(g, str) and g.startswith("@e")}
    return sorted(found, key=lambda e: (len(e), e))


def _extractor_events(candidates: Sequence[Candidate]) -> list[str]:
    found = {end.label for c in candidates for end in (c.subject, c.object)
             if isinstance(end, Mention) and is_event(end)}
    return sorted(found, key=lambda e: (len(e), e))


def align_events(facts: Sequence[GoldFact], candidates: Sequence[Candidate]) -> dict[str, str]:
    """Pair gold events with the extractor's so that the most gold facts are matched.

    Every relation has at most one event end, so the number matched is a sum over pairs and
    this is an assignment problem; releases describe few events, so it is solved exactly by
    dynamic programming over the free events (up to 12), else greedily and then improved by swaps.

    >>> from tipgraph.extract.candidates import Candidate, Mention, Value
    >>> e = lambda n: Mention("training", 0, 8, "event", n)
    >>> facts = [GoldFact("participantCount", ("@e1",), (25,)), GoldFact("participantCount", ("@e2",), (40,))]
    >>> cands = [Candidate("participantCount", e("@e1"), Value("40", 0, 2, 40, "count"), (0, 1), "r", 1.0),
    ...          Candidate("participantCount", e("@e2"), Value("25", 0, 2, 25, "count"), (0, 1), "r", 1.0)]
    >>> align_events(facts, cands)
    {'@e1': '@e2', '@e2': '@e1'}
    """
    gold_events = _gold_events(facts)
    mine = _extractor_events(candidates)
    if not gold_events or not mine:
        return {}
    by_event: dict[str, list[GoldFact]] = {g: [] for g in gold_events}
    for f in facts:
        for g in f.subject + f.object:
            if isinstance(g, str) and g in by_event:
                by_event[g].append(f)
                break
    gain = [[sum(1 for f in by_event[g] if any(fact_matches(c, f, {g: x}) for c in candidates)) for x in mine]
            for g in gold_events]
    n, m = len(gold_events), len(mine)

    def value(assign: Sequence[int]) -> int:
        return sum(gain[i][j] for i, j in enumerate(assign) if j >= 0)

    best: list[int]
    if m <= 12:
        # exact: over gold events in turn, the best use of the extractor events still free
        @functools.cache
        def solve(i: int, free: int) -> tuple[int, tuple[int, ...]]:
            if i == n:
                return 0, ()
            v, rest = solve(i + 1, free)
            choice = (v, (-1, *rest))
            for j in range(m):
                if free & (1 << j) and gain[i][j]:
                    v, rest = solve(i + 1, free & ~(1 << j))
                    if v + gain[i][j] > choice[0]:
                        choice = (v + gain[i][j], (j, *rest))
            return choice

        best = list(solve(0, (1 << m) - 1)[1])
    else:
        best, used = [-1] * n, set()
        for i in sorted(range(n), key=lambda i: -max(gain[i])):
            options = [j for j in range(m) if j not in used]
            if options:
                j = max(options, key=lambda j: gain[i][j])
                best[i] = j
                used.add(j)
        improved = True
        while improved:
            improved = False
            for a, b in itertools.combinations(range(n), 2):
                swapped = best.copy()
                swapped[a], swapped[b] = best[b], best[a]
                if value(swapped) > value(best):
                    best, improved = swapped, True
    return {gold_events[i]: mine[j] for i, j in enumerate(best) if j >= 0}


@dataclass
class Row:
    """Counts of one relation: true positives (gold facts found), false positives, misses."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Row) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass
class ReleaseScore:
    """How one release scored: counts per relation, and what went wrong."""

    name: str
    rows: dict[str, Row]
    false_positives: list[str]
    misses: list[str]
    events: dict[str, str]
    error: str = ""  # the engine raised on this release: scored as if it had found nothing


def _show(c: Candidate) -> str:
    def end(e: Mention | Value) -> str:
        if isinstance(e, Value):
            return str(e.value)
        return e.label if e.kind == "event" or e.label == e.text else f"{e.label} [{e.text!r}]"
    return f"{c.relation}({end(c.subject)}, {end(c.object)}) by {c.rule} @{c.evidence[0]}"


#: Mention kinds that are not entities for the ``not`` check (a topic such as "TIP" is a theme).
_NOT_ENTITY = ("event", "theme")


def score_release(candidates: Sequence[Candidate], mentions: Sequence[Mention], warnings: Sequence[str],
                  gold: Gold, *, name: str = "", language: str = "en") -> ReleaseScore:
    """Score one release's candidates (and its mentions, for the ``not`` strings) against its gold."""
    cands = unique_candidates(candidates)
    events = align_events(gold.facts, cands)
    rows: dict[str, Row] = {}
    fps: list[str] = []
    misses: list[str] = []

    def row(relation: str) -> Row:
        return rows.setdefault(relation, Row())

    matched_candidates: set[int] = set()
    for fact in gold.facts:
        hits = [i for i, c in enumerate(cands) if fact_matches(c, fact, events)]
        matched_candidates.update(hits)
        if hits:
            row(fact.relation).tp += 1
        else:
            row(fact.relation).fn += 1
            misses.append(str(fact))
    for i, c in enumerate(cands):
        if i not in matched_candidates:
            row(c.relation).fp += 1
            fps.append(_show(c))
    if gold.not_:
        banned = {normalise(s): s for s in gold.not_}
        ends = list(mentions) + [e for c in cands for e in (c.subject, c.object) if isinstance(e, Mention)]
        proposed = sorted({banned[k] for m in ends if m.kind not in _NOT_ENTITY
                           for k in (normalise(m.text), normalise(m.label)) if k in banned})
        neg = row("negatives")
        neg.fp += len(proposed)
        fps.extend(f"negatives: {s!r} proposed as an entity" for s in proposed)
    if gold.language and gold.language != "en":
        lang = row("language")
        if warnings or (language and language != "en"):
            lang.tp += 1
        else:
            lang.fn += 1
            misses.append(f"language: a release in {gold.language!r} was not flagged")
    return ReleaseScore(name, rows, fps, misses, events)


def total(scores: Iterable[ReleaseScore]) -> dict[str, Row]:
    """Counts per relation over many releases, with an ``overall`` row (micro average)."""
    rows: dict[str, Row] = {}
    for s in scores:
        for relation, r in s.rows.items():
            rows.setdefault(relation, Row()).add(r)
    overall = Row()
    for r in rows.values():
        overall.add(r)
    ordered = {k: rows[k] for k in [*RELATIONS, "negatives", "language"] if k in rows}
    ordered.update({k: v for k, v in rows.items() if k not in ordered})  # relations the extractor invented
    ordered["overall"] = overall
    return ordered


def _fmt(x: float | None) -> str:
    return "   -" if x is None else f"{x:.2f}"


def format_table(rows: dict[str, Row]) -> str:
    """A text table: relation, gold, found, false positives, precision, recall, F1."""
    lines = [f"{'relation':<24} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>5} {'R':>5} {'F1':>5}"]
    for name, r in rows.items():
        if name == "overall":
            lines.append("-" * len(lines[0]))
        lines.append(f"{name:<24} {r.tp:>4} {r.fp:>4} {r.fn:>4} {_fmt(r.precision):>5} {_fmt(r.recall):>5} "
                     f"{_fmt(r.f1):>5}")
    return "\n".join(lines)


def rows_json(rows: dict[str, Row]) -> dict[str, dict[str, Any]]:
    """The table as JSON-ready numbers."""
    return {k: {"tp": r.tp, "fp": r.fp, "fn": r.fn, "precision": r.precision, "recall": r.recall, "f1": r.f1}
            for k, r in rows.items()}


# ---------------------------------------------------------------- running the engine

def engine() -> tuple[Any, Any, Any]:
    """The extractor's entry points and the seed graph's index, imported only when scoring."""
    try:
        from tipgraph.extract.index import EntityIndex
        from tipgraph.extract.pipeline import extract
        from tipgraph.extract.text import read_release
    except ImportError as exc:
        raise SystemExit(f"score_extract: the extractor is not available yet ({exc}); "
                         "it lives in tipgraph.extract.text / index / pipeline") from exc
    import tipgraph

    index = EntityIndex.from_store(tipgraph.load().store)
    return read_release, extract, index


def score_files(pairs: Sequence[tuple[Path, Path]], *, read_release: Any = None, extract: Any = None,
                index: Any = None) -> list[ReleaseScore]:
    """Extract and score each ``(release, gold)`` pair."""
    if read_release is None:
        read_release, extract, index = engine()
    scores = []
    for release_path, gpath in pairs:
        gold = load_gold(gpath)
        try:
            release = read_release(release_path, published=gold.published or None)
            result = extract(release, index)
        except Exception as exc:  # one crashing release must not hide the others' scores
            score = score_release([], [], [], gold, name=release_path.name)
            score.error = f"{type(exc).__name__}: {exc}"
            scores.append(score)
            continue
        scores.append(score_release(result.candidates, result.mentions, result.warnings, gold,
                                    name=release_path.name, language=release.language))
    return scores


def dev_pairs(folders: Sequence[Path]) -> list[tuple[Path, Path]]:
    """Every release of the folders with its gold file (a release without one is an error)."""
    pairs = []
    for folder in folders:
        for p in release_files(folder):
            g = gold_path(p)
            if not g.exists():
                raise SystemExit(f"score_extract: {p} has no gold file {g.name}; write one (see releases/README.md)")
            pairs.append((p, g))
    return pairs


def seed_pair() -> tuple[Path, Path] | None:
    """The seed release and its gold, or None when the seed text is not on this machine."""
    gold = load_gold(SEED_GOLD)
    text = SEED_DIR / gold.release
    return (text, SEED_GOLD) if gold.release and text.is_file() else None


def report(label: str, scores: list[ReleaseScore], *, verbose: bool) -> str:
    """The table for a set of releases, and with ``verbose`` each release's misses and false positives."""
    out = [f"== {label}: {len(scores)} releases", format_table(total(scores))]
    out.extend(f"CRASH {s.name}: {s.error} (scored as finding nothing)" for s in scores if s.error)
    if verbose:
        for s in scores:
            if s.misses or s.false_positives:
                out.append(f"\n-- {s.name}  (events {s.events})")
                out.extend(f"   MISS {m}" for m in s.misses)
                out.extend(f"   FP   {f}" for f in s.false_positives)
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("dirs", nargs="*", type=Path, help="folders of releases with gold files (default: dev set)")
    parser.add_argument("--seed", action="store_true", help="also score the seed release")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--verbose", "-v", action="store_true", help="misses and false positives per release")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    read_release, extract, index = engine()
    results: dict[str, Any] = {}
    texts = []
    folders = args.dirs or [DEV]
    scores = score_files(dev_pairs(folders), read_release=read_release, extract=extract, index=index)
    label = ", ".join(str(f) for f in folders)
    results["releases"] = {"folders": [str(f) for f in folders], "count": len(scores), "rows": rows_json(total(scores)),
                           "per_release": {s.name: {"misses": s.misses, "false_positives": s.false_positives,
                                                    **({"error": s.error} if s.error else {})}
                                           for s in scores}}
    texts.append(report(label, scores, verbose=args.verbose))
    if args.seed:
        pair = seed_pair()
        if pair is None:
            texts.append(f"== seed: skipped, the seed text is not in {SEED_DIR}")
        else:
            seed_scores = score_files([pair], read_release=read_release, extract=extract, index=index)
            results["seed"] = {"rows": rows_json(total(seed_scores)), "misses": seed_scores[0].misses,
                               "false_positives": seed_scores[0].false_positives}
            texts.append(report("seed", seed_scores, verbose=args.verbose))
    results["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(results, indent=2) if args.json else "\n\n".join(texts))
    return 1 if any(s.error for s in scores) else 0


if __name__ == "__main__":
    sys.exit(main())
