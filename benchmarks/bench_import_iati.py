"""Benchmark: importing generated IATI 2.03 activity files with ``tipgraph import iati``.

Generates ``--activities`` activities (default 10,000) spread over ``--files`` files (default 10,
one per fictional publisher), deterministic for a given ``--seed``: programme families (a parent
and two to five children that name it, whose money is chained to it by provider and receiver
activity ids), two to five participating organisations in the four roles drawn from a few
hundred organisations, one to three recipient countries with percentages, the four date types,
one or two budgets and two to four transactions each. They are imported into the seed graph
(in memory, Oxigraph) with :func:`tipgraph.imports.iati.import_iati`, checked with the shapes
and reasoned, as ``tipgraph import iati`` does; then imported again (nothing must change).

Measured: generation, the import (reading, mapping, SHACL, reasoning), the re-import, and the
process's peak resident memory (``resource.getrusage``). Results go to
``benchmarks/results/import_iati.json``.

    python benchmarks/bench_import_iati.py                  # 10,000 activities
    python benchmarks/bench_import_iati.py --activities 500 --no-validate
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
COUNTRIES = ["AF", "PK", "IQ", "TJ", "KG", "KZ", "UZ", "BD", "NP", "LK", "IN", "IR", "TR", "NG", "ET", "SD", "LY",
             "ML", "NE", "MA", "TN", "EG", "JO", "LB", "SY", "YE", "UA", "MD", "RO", "BG", "TH", "KH", "LA", "MM",
             "VN", "PH", "ID", "MX", "GT", "HN", "SV", "CO", "VE", "PE", "EC"]
KINDS = {"1": "incoming funds", "2": "outgoing commitment", "3": "disbursement", "4": "expenditure"}


def _org(i: int) -> tuple[str, str, str]:
    kind = ["10", "21", "22", "40", "60", "80"][i % 6]
    return f"XM-BENCH-ORG-{i:04d}", f"Benchmark organisation {i}", kind


def _narrative(text: str, lang: str | None = None) -> str:
    attr = f' xml:lang="{lang}"' if lang else ""
    return f"<narrative{attr}>{escape(text)}</narrative>"


def _activity(r: random.Random, ident: str, publisher: int, parent: str | None, children: list[str]) -> str:
    donors = list(range(0, 15))
    implementers = list(range(15, 400))
    pub_ref, pub_name, pub_type = _org(publisher)
    start_year = r.randint(2016, 2024)
    out = [f'<iati-activity default-currency="{r.choice(["EUR", "USD", "GBP"])}">',
           f"<iati-identifier>{ident}</iati-identifier>",
           f'<reporting-org ref="{pub_ref}" type="{pub_type}">{_narrative(pub_name)}</reporting-org>',
           f"<title>{_narrative(f'Programme {ident} on trafficking in persons')}"
           + (_narrative(f"Programme {ident} contre la traite", "fr") if r.random() < 0.3 else "") + "</title>",
           f"<description>{_narrative('Generated for the tipgraph import benchmark.')}</description>"]
    funder = r.choice(donors)
    roles = [("1", funder), ("4", r.choice(implementers))]
    if r.random() < 0.5:
        roles.append(("4", r.choice(implementers)))
    if r.random() < 0.4:
        roles.append(("2", publisher))
    if r.random() < 0.2:
        roles.append(("3", r.choice(donors)))
    for role, org in roles:
        ref, name, kind = _org(org)
        out.append(f'<participating-org ref="{ref}" role="{role}" type="{kind}">{_narrative(name)}</participating-org>')
    out.append(f'<activity-status code="{r.choice("1234")}"/>')
    out.append(f'<activity-date type="1" iso-date="{start_year}-01-01"/>')
    out.append(f'<activity-date type="2" iso-date="{start_year}-0{r.randint(1, 9)}-15"/>')
    out.append(f'<activity-date type="3" iso-date="{start_year + r.randint(2, 5)}-12-31"/>')
    if r.random() < 0.3:
        out.append(f'<activity-date type="4" iso-date="{start_year + r.randint(2, 6)}-06-30"/>')
    places = r.sample(COUNTRIES, r.randint(1, 3))
    shares = [100] if len(places) == 1 else ([60, 40] if len(places) == 2 else [50, 30, 20])
    out += [f'<recipient-country code="{c}" percentage="{p}"/>' for c, p in zip(places, shares, strict=True)]
    out.append(f'<sector code="{r.choice(["15190", "15130", "15180", "16010"])}" vocabulary="1"/>')
    if parent:
        out.append(f'<related-activity ref="{parent}" type="1"/>')
    out += [f'<related-activity ref="{c}" type="2"/>' for c in children]
    for b in range(r.randint(1, 2)):
        year = start_year + b
        out.append(f'<budget type="1" status="{r.choice("12")}"><period-start iso-date="{year}-01-01"/>'
                   f'<period-end iso-date="{year}-12-31"/><value value-date="{year}-01-01">'
                   f"{r.randint(10, 500) * 1000}</value></budget>")
    fref, fname, _ = _org(funder)
    for _ in range(r.randint(2, 4)):
        code = r.choice("1234")
        day = f"{start_year + r.randint(0, 2)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        out.append(f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="{day}"/>'
                   f'<value value-date="{day}">{r.randint(1, 300) * 1000}.00</value>')
        if code == "1":
            pid = f' provider-activity-id="{parent}"' if parent else ""
            out.append(f'<provider-org ref="{fref}"{pid}>{_narrative(fname)}</provider-org>')
        elif code in "23" and children:
            child = r.choice(children)
            iref, iname, _ = _org(r.choice(implementers))
            out.append(f'<receiver-org ref="{iref}" receiver-activity-id="{child}">{_narrative(iname)}</receiver-org>')
        out.append("</transaction>")
    out.append("</iati-activity>")
    return "\n".join(out)


def generate(folder: Path, activities: int, files: int, seed: int) -> list[Path]:
    """Write ``activities`` activities into ``files`` IATI 2.03 files in ``folder``."""
    r = random.Random(seed)
    per_file = -(-activities // files)
    paths = []
    made = 0
    for f in range(files):
        publisher = 15 + f
        body: list[str] = []
        while len(body) < per_file and made < activities:
            family = f"XM-BENCH-{f:02d}-{made:06d}"
            n_children = min(r.randint(2, 5), per_file - len(body) - 1, activities - made - 1)
            children = [f"{family}-{k}" for k in range(max(0, n_children))]
            body.append(_activity(r, family, publisher, None, children))
            made += 1
            for c in children:
                body.append(_activity(r, c, publisher, family, []))
                made += 1
        path = folder / f"bench-publisher-{f:02d}.xml"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<iati-activities version="2.03" generated-datetime="2025-01-{f + 1:02d}T00:00:00Z">\n'
                        + "\n".join(body) + "\n</iati-activities>\n", encoding="utf-8")
        paths.append(path)
    return paths


def _cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return round(use.ru_utime + use.ru_stime, 2)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--activities", type=int, default=10_000)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-validate", action="store_true", help="skip the SHACL check (measures reading and mapping)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "import_iati.json")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE.parent / "src"))
    import tipgraph
    from tipgraph.imports.iati import import_iati

    def save() -> None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    result: dict[str, object] = {"activities": args.activities, "files": args.files, "seed": args.seed,
                                 "validate": not args.no_validate, "python": platform.python_version(),
                                 "machine": platform.machine(), "note": "2 shared cores; one run, not a median"}
    with tempfile.TemporaryDirectory(prefix="bench-iati-") as tmp:
        t = time.perf_counter()
        paths = generate(Path(tmp), args.activities, args.files, args.seed)
        result["generate_s"] = round(time.perf_counter() - t, 2)
        result["input_mb"] = round(sum(p.stat().st_size for p in paths) / 2**20, 2)
        t = time.perf_counter()
        kg = tipgraph.load()
        result["load_seed_s"] = round(time.perf_counter() - t, 2)
        result["peak_mb_before_import"] = round(_peak_mb(), 1)
        before = len(kg)
        t, cpu = time.perf_counter(), _cpu_s()
        report = import_iati(kg, paths, validate=not args.no_validate)
        result["import_s"] = round(time.perf_counter() - t, 2)
        result["import_cpu_s"] = round(_cpu_s() - cpu, 2)  # wall time on a shared machine is mostly waiting
        result["triples_added"] = report.added.total if report.added else 0
        result["triples_in_store_after"] = len(kg)
        result["triples_in_store_before"] = before
        result["engagements"] = sum(f.engagements for f in report.files)
        result["funding_flows"] = sum(f.flows for f in report.files)
        result["activities_read"] = sum(f.activities for f in report.files)
        if report.added is not None and report.added.validation is not None:
            result["conforms"] = report.added.validation.conforms
        result["peak_mb"] = round(_peak_mb(), 1)
        save()  # a slow machine may not reach the end: keep what was measured
        t, cpu = time.perf_counter(), _cpu_s()
        again = import_iati(kg, paths, validate=not args.no_validate)
        result["reimport_s"] = round(time.perf_counter() - t, 2)
        result["reimport_cpu_s"] = round(_cpu_s() - cpu, 2)
        result["reimport_added"] = again.added.total if again.added else 0
        save()
        t = time.perf_counter()
        rows = len(kg.query("funding-per-donor-year", timeout=None, max_rows=None))
        result["funding_per_donor_year_s"] = round(time.perf_counter() - t, 3)
        result["funding_per_donor_year_rows"] = rows
        result["peak_mb_end"] = round(_peak_mb(), 1)
    save()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
