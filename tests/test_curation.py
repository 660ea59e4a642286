"""A curator adds a release: scaffold, at most 20 lines of facts, checked add, query, map.

The release is invented, in the genre: a two-day joint training in Kazakhstan organised by
UNODC with a national ministry, funded by the European Union, under GLO.ACT and PROTECT.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import tipgraph
from tipgraph.curation import ID_PATTERN, new_id

FACTS = """\
    tgd:{org} a tg:GovernmentMinistry ; skos:prefLabel "Ministry of Internal Affairs of Kazakhstan"@en ;
        skos:altLabel "MIA Kazakhstan"@en .
    tgd:{evt} a tg:Training , tg:Workshop ;
        skos:prefLabel "Joint training on identifying victims of trafficking, Almaty"@en ;
        tg:startDate "2025-03-09"^^xsd:date ; tg:endDate "2025-03-10"^^xsd:date ;
        tg:heldIn tgd:plc-0006 ; tg:organisedBy tgd:org-0001 ; tg:coOrganisedBy tgd:{org} ;
        tg:eventFundedBy tgd:org-0002 ; tg:underProgramme tgd:prg-0001 , tgd:prg-0002 ;
        tg:participantCount "30"^^xsd:nonNegativeInteger ;
        tg:femaleParticipantCount "{women}"^^xsd:nonNegativeInteger .
    tgd:{eng} a tg:Engagement ; skos:prefLabel "the ministry implements PROTECT in Kazakhstan"@en ;
        tg:engagedOrganisation tgd:{org} ; tg:engagedProgramme tgd:prg-0002 ;
        tg:engagementRole tg:ImplementingRole ; tg:engagementCountry tgd:plc-0006 ;
        prov:wasDerivedFrom tgd:{src} .
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, run_cli) -> Path:
    path = tmp_path_factory.mktemp("curation") / "store"
    out = run_cli("build", "--store", str(path), "--no-owl")
    assert out.returncode == 0, out.stderr
    return path


def _release(folder: Path, run_cli, *, women: int = 12) -> Path:
    out = run_cli("new-source", "--url", "https://www.unodc.org/example/almaty-training.html",
                  "--title", "Joint training in Almaty on identifying victims of trafficking",
                  "--publisher", "UNODC", "--published", "2025-03-11", "--folder", str(folder))
    assert out.returncode == 0, out.stderr
    path = Path(out.stdout.strip())
    src = path.stem
    ids = {"org": new_id("org"), "evt": new_id("evt"), "eng": new_id("eng"), "src": src, "women": women}
    facts = FACTS.format(**ids)
    assert len(facts.splitlines()) <= 20
    text = path.read_text(encoding="utf-8")
    head, sep, _ = text.rpartition(f"tgd:graph-{src} {{")
    path.write_text(head + sep + "\n" + facts + "}\n", encoding="utf-8")
    return path


def _snapshot(store: Path) -> bytes:
    kg = tipgraph.load(path=store)
    return kg.store.dump()


def test_new_ids_are_opaque_and_fresh() -> None:
    ids = {new_id("org") for _ in range(2000)}
    assert len(ids) == 2000 and all(ID_PATTERN.fullmatch(i) for i in ids)


def test_a_release_added_from_the_scaffold(store: Path, tmp_path: Path, run_cli, repo: Path) -> None:
    release = _release(tmp_path, run_cli)
    # The catalogue entry came from the options: URL, title, publisher (resolved), dates, language.
    text = release.read_text(encoding="utf-8")
    assert "tg:publishedBy tgd:org-0001" in text and 'dcterms:issued "2025-03-11"^^xsd:date' in text
    out = run_cli("validate", "--data", *map(str, sorted(repo.glob("data/**/*.trig"))), str(release), "--no-owl")
    assert out.returncode == 0, out.stdout + out.stderr

    before = _snapshot(store)
    dry = run_cli("add", str(release), "--store", str(store), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would add" in dry.stdout and "new entities (5)" in dry.stdout and "would conform" in dry.stdout
    assert "Ministry of Internal Affairs of Kazakhstan  (government ministry)" in dry.stdout
    assert _snapshot(store) == before  # a dry run changes nothing

    added = run_cli("add", str(release), "--store", str(store))
    assert added.returncode == 0, added.stderr
    assert re.search(r"added \d+ triples from 1 file", added.stdout)
    again = run_cli("add", str(release), "--store", str(store))
    assert again.returncode == 0 and "nothing to add" in again.stdout
    after = _snapshot(store)
    assert run_cli("add", str(release), "--store", str(store)).returncode == 0 and _snapshot(store) == after

    # Queried in words: the event, its two days, its counts, its share of women.
    q = run_cli("query", "events-in-country", "-p", "country=Kazakhstan", "-f", "json", "--store", str(store))
    assert q.returncode == 0, q.stderr
    rows = json.loads(q.stdout)
    mine = [r for r in rows if "Almaty" in r.get("eventLabel", "")]
    assert mine and mine[0]["participants"] == 30 and mine[0]["women"] == 12, rows
    # The ministry implements PROTECT in Kazakhstan (derived from the engagement).
    q = run_cli("query", "active-in-country", "-p", "country=KZ", "-f", "csv", "--store", str(store))
    assert "Ministry of Internal Affairs of Kazakhstan" in q.stdout, q.stdout
    # Mapped: the country view shows the new ministry and the event.
    page = tmp_path / "kz.html"
    m = run_cli("map", str(page), "--country", "KZ", "--store", str(store))
    assert m.returncode == 0, m.stderr
    html = page.read_text(encoding="utf-8")
    assert "Ministry of Internal Affairs of Kazakhstan" in html


def test_a_non_conforming_release_is_refused_and_changes_nothing(store: Path, tmp_path: Path, run_cli) -> None:
    release = _release(tmp_path, run_cli, women=45)  # more women than participants
    before = _snapshot(store)
    out = run_cli("add", str(release), "--store", str(store))
    assert out.returncode == 3, out.stdout + out.stderr
    assert "nothing was added" in out.stderr and "femaleParticipantCount" in out.stderr
    assert _snapshot(store) == before
    # Positive control: the same release with a possible count is accepted.
    good = _release(tmp_path / "good", run_cli, women=15)
    assert run_cli("add", str(good), "--store", str(store)).returncode == 0
    assert _snapshot(store) != before


@pytest.mark.parametrize("drop", ["tg:sourceUrl", "dcterms:issued"])
def test_a_source_without_url_or_date_is_refused(store: Path, tmp_path: Path, run_cli, drop: str) -> None:
    release = _release(tmp_path, run_cli)
    lines = release.read_text(encoding="utf-8").splitlines(keepends=True)
    release.write_text("".join(line for line in lines if not line.strip().startswith(drop)), encoding="utf-8")
    before = _snapshot(store)
    out = run_cli("add", str(release), "--store", str(store))
    assert out.returncode == 3, out.stdout + out.stderr
    assert drop in out.stderr and "catalogue entry" in out.stderr and release.name in out.stderr, out.stderr
    assert _snapshot(store) == before
