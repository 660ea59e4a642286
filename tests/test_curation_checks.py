"""Curators' mistakes, one row each: every one is refused with file:line and the fix.

Each row takes a correct extra source file (``GOOD``: a two-day training in Islamabad with an
engagement, written against the curated data's entities) and makes one mistake in it. The line
the mistake is on carries the comment ``# <- here``, so the expected ``file:line`` is read from
the text rather than counted by hand. Every row runs through the command line
(``tipgraph validate --data <curated files> extra.trig``, exit code 3) and through the Python API
(:func:`tipgraph.validate.validate_shacl` on the store's asserted graph, as
:meth:`tipgraph.KnowledgeGraph.validate` runs it); the positive control (``GOOD`` unchanged)
passes both ways, so the rows cannot pass by reporting everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import tipgraph
from tipgraph import errors, resources
from tipgraph.validate import ShaclReport, validate_shacl

MARK = "# <- here"

GOOD = """\
@prefix tg:      <https://w3id.org/tipgraph/ontology#> .
@prefix tgd:     <https://w3id.org/tipgraph/id/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

tgd:graph-sources {
    tgd:src-9101 a tg:PressRelease , prov:Entity ;
        skos:prefLabel "Test release: training on victim identification, Islamabad, March 2025"@en ;
        tg:sourceUrl "https://example.org/tipgraph/test-release-9101"^^xsd:anyURI ;
        dcterms:issued "2025-03-05"^^xsd:date ;
        tg:publishedBy tgd:org-0001 .
    tgd:graph-src-9101 a prov:Bundle , prov:Entity ;
        skos:prefLabel "facts from the test release of March 2025"@en ;
        prov:wasDerivedFrom tgd:src-9101 .
}

tgd:graph-src-9101 {
    tgd:evt-9101 a tg:Training ;
        skos:prefLabel "Test training on victim identification, Islamabad"@en ;
        tg:startDate "2025-03-03"^^xsd:date ;
        tg:endDate "2025-03-04"^^xsd:date ;
        tg:heldIn tgd:plc-0020 ;
        tg:organisedBy tgd:org-0001 ;
        tg:inCollaborationWith tgd:org-0011 ;
        tg:underProgramme tgd:prg-0002 ;
        tg:participantCount "25"^^xsd:nonNegativeInteger ;
        tg:femaleParticipantCount "11"^^xsd:nonNegativeInteger .

    tgd:eng-9101 a tg:Engagement ;
        skos:prefLabel "Ministry of Interior implementing PROTECT in Pakistan (test)"@en ;
        tg:engagedOrganisation tgd:org-0010 ;
        tg:engagedProgramme tgd:prg-0002 ;
        tg:engagementRole tg:ImplementingRole ;
        prov:wasDerivedFrom tgd:src-9101 ;
        tg:engagementCountry tgd:plc-0003 .
}
"""


@dataclass(frozen=True)
class Mistake:
    """One curator's mistake: how to make it from GOOD, and what the report must say."""

    name: str
    old: str  # a line (stripped) of GOOD ...
    new: str  # ... replaced by this; the line holding MARK is where the report must point
    check: str  # the shape or generated check that reports it
    words: tuple[str, ...]  # the fix must contain each of these


MISTAKES = [
    Mistake("misspelt class", "tgd:evt-9101 a tg:Training ;", f"tgd:evt-9101 a tg:TrainingWorkshop ; {MARK}",
            "check:unknown-class",
            ("tg:TrainingWorkshop is not a class", "did you mean", "tg:Training", "tg:Workshop",
             "fix the spelling")),
    Mistake("misspelt property", "tg:organisedBy tgd:org-0001 ;", f"tg:organizedBy tgd:org-0001 ; {MARK}",
            "check:unknown-property",
            ("tg:organizedBy is not a property", "did you mean tg:organisedBy?", "fix the spelling")),
    Mistake("place as organiser", "tg:organisedBy tgd:org-0001 ;", f"tg:organisedBy tgd:plc-0003 ; {MARK}",
            "tgsh:OrganisedBy-organiserType",
            ("must be an organisation or a person", "tg:heldIn")),
    Mistake("place as engaged organisation", "tg:engagedOrganisation tgd:org-0010 ;",
            f"tg:engagedOrganisation tgd:plc-0003 ; {MARK}", "tgsh:Engagement-organisationType",
            ("must be an organisation",)),
    Mistake("country given as the programme's place of work", "tg:underProgramme tgd:prg-0002 ;",
            f"tg:underProgramme tgd:plc-0003 ; {MARK}", "check:range",
            ("tg:underProgramme must point at a programme (tg:Programme or a subclass)",
             "tgd:plc-0003 is a country (tg:Country)", "point tg:underProgramme at the right record",
             "use tg:heldIn")),
    Mistake("asserted implements", "tg:engagementCountry tgd:plc-0003 .",
            f"tg:engagementCountry tgd:plc-0003 .\n    tgd:org-0010 tg:implements tgd:prg-0002 . {MARK}",
            "check:derived",
            ("tg:implements is derived by the reasoner", "remove `tgd:org-0010 tg:implements tgd:prg-0002`",
             "engagement pattern", "?engagement a tg:Engagement",
             "tg:engagedOrganisation tgd:org-0010", "tg:engagedProgramme tgd:prg-0002",
             "tg:engagementRole tg:ImplementingRole", "prov:wasDerivedFrom")),
    Mistake("asserted implementedBy (the inverse)", "tg:engagementCountry tgd:plc-0003 .",
            f"tg:engagementCountry tgd:plc-0003 .\n    tgd:prg-0002 tg:implementedBy tgd:org-0010 . {MARK}",
            "check:derived",
            ("tg:implementedBy is derived", "tg:engagedOrganisation tgd:org-0010",
             "tg:engagedProgramme tgd:prg-0002", "tg:engagementRole tg:ImplementingRole")),
    Mistake("asserted activeIn", "tg:engagementCountry tgd:plc-0003 .",
            f"tg:engagementCountry tgd:plc-0003 .\n    tgd:org-0010 tg:activeIn tgd:plc-0003 . {MARK}",
            "check:derived",
            ("tg:activeIn is derived by the reasoner", "engagement pattern",
             "tg:engagedOrganisation tgd:org-0010", "tg:engagementCountry tgd:plc-0003")),
    Mistake("women above total", 'tg:femaleParticipantCount "11"^^xsd:nonNegativeInteger .',
            f'tg:femaleParticipantCount "31"^^xsd:nonNegativeInteger . {MARK}',
            "tgsh:Counts-femaleNotAboveTotal",
            ("larger than the number of participants", "correct them")),
    Mistake("missing event date", 'tg:startDate "2025-03-03"^^xsd:date ;', "",
            "tgsh:Event-startDate", ("needs exactly one tg:startDate", '"2024-10-11"^^xsd:date')),
    Mistake("missing language tag on a label",
            'skos:prefLabel "Test training on victim identification, Islamabad"@en ;',
            f'skos:prefLabel "Test training on victim identification, Islamabad" ; {MARK}',
            "tgsh:LabelledEntity-prefLabelLanguage", ("must carry a language tag", '"Pakistan"@en')),
    Mistake("incomplete engagement (no role)", "tg:engagementRole tg:ImplementingRole ;", "",
            "tgsh:Engagement-role", ("exactly one tg:engagementRole", "tg:ImplementingRole")),
    Mistake("misspelt role", "tg:engagementRole tg:ImplementingRole ;",
            f"tg:engagementRole tg:ImplementinRole ; {MARK}", "check:unknown-term",
            ("tg:ImplementinRole is not declared", "did you mean tg:ImplementingRole", "fix the spelling")),
    Mistake("reference to an undefined id", "tg:inCollaborationWith tgd:org-0011 ;",
            f"tg:inCollaborationWith tgd:org-0911 ; {MARK}", "check:undefined-id",
            ("tgd:org-0911 is used here but no loaded file defines it", "an organisation", "typo",
             "add the record", "load the file")),
    Mistake("date written as text", 'tg:startDate "2025-03-03"^^xsd:date ;',
            f'tg:startDate "2025-03-03" ; {MARK}', "tgsh:Event-startDate", ('"2024-10-11"^^xsd:date',)),
]

# Where a mistake removes a line, the report points at the record's first line.
_RECORD_OF = {"missing event date": "tgd:evt-9101 a tg:Training ;",
              "incomplete engagement (no role)": "tgd:eng-9101 a tg:Engagement ;"}


def make(mistake: Mistake | None) -> tuple[str, int]:
    """The extra file's text with ``mistake`` made, and the line the report must name (0: none)."""
    lines = GOOD.splitlines()
    if mistake is None:
        return GOOD, 0
    (i,) = [n for n, line in enumerate(lines) if line.strip() == mistake.old]
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    if mistake.new:
        lines[i] = indent + mistake.new
    else:
        del lines[i]
    if mistake.name in _RECORD_OF:
        (j,) = [n for n, line in enumerate(lines) if line.strip() == _RECORD_OF[mistake.name]]
        lines[j] += f" {MARK}"
    text = "\n".join(lines) + "\n"
    (line,) = [n for n, t in enumerate(text.splitlines(), 1) if MARK in t]
    return text, line


def curated() -> list[Path]:
    return list(resources.data_files())


def write_extra(tmp_path: Path, mistake: Mistake | None) -> tuple[Path, int]:
    text, line = make(mistake)
    extra = tmp_path / "extra.trig"
    extra.write_text(text, encoding="utf-8")
    return extra, line


def api_report(files: list[Path]) -> ShaclReport:
    """The store's asserted graph, validated the way KnowledgeGraph.validate does, with the files."""
    kg = tipgraph.load(files, reason=False)
    try:
        return validate_shacl(kg.asserted_graph(), ontology=kg.ontology_graph(), sources=files)
    finally:
        kg.close()


def test_the_table_is_sound() -> None:
    """Every row changes GOOD and marks one line (or removes one and marks the record)."""
    for mistake in MISTAKES:
        text, line = make(mistake)
        assert text != GOOD and line > 0, mistake.name
    assert len({m.name for m in MISTAKES}) == len(MISTAKES)


def test_positive_control_passes_api(tmp_path: Path) -> None:
    extra, _ = write_extra(tmp_path, None)
    report = api_report([*curated(), extra])
    assert report.conforms, report.text()
    assert report.violations == []


def test_positive_control_passes_cli(tmp_path: Path, run_cli) -> None:
    extra, _ = write_extra(tmp_path, None)
    out = run_cli("validate", "--data", *map(str, curated()), str(extra), "--no-owl")
    assert out.returncode == errors.EXIT_OK, out.stdout + out.stderr
    assert "conforms" in out.stdout


@pytest.mark.parametrize("mistake", MISTAKES, ids=[re.sub(r"\W+", "-", m.name) for m in MISTAKES])
def test_mistake_is_refused_api(mistake: Mistake, tmp_path: Path) -> None:
    extra, line = write_extra(tmp_path, mistake)
    report = api_report([*curated(), extra])
    text = report.text()
    assert not report.conforms, text
    mine = [v for v in report.violations if v.shape == mistake.check]
    assert mine, f"{mistake.name}: expected a report from {mistake.check}:\n{text}"
    (v,) = mine
    assert v.location == f"{extra}:{line}", f"{mistake.name}: wrong place\n{text}"
    for word in mistake.words:
        assert word in v.message, f"{mistake.name}: the fix should say {word!r}:\n{text}"
    # Only the mistake is reported: nothing elsewhere in the extra file, nothing in the curated data.
    assert {x.location for x in report.violations} == {v.location}, text
    assert f"{extra}:{line}: [Violation]" in text


@pytest.mark.parametrize("mistake", MISTAKES, ids=[re.sub(r"\W+", "-", m.name) for m in MISTAKES])
def test_mistake_is_refused_cli(mistake: Mistake, tmp_path: Path, run_cli) -> None:
    extra, line = write_extra(tmp_path, mistake)
    out = run_cli("validate", "--data", *map(str, curated()), str(extra), "--no-owl")
    assert out.returncode == errors.EXIT_NOT_CONFORMING, out.stdout + out.stderr
    heads = re.findall(r"^\d+\. (\S+): \[Violation\]", out.stdout, flags=re.MULTILINE)
    assert heads and set(heads) == {f"{extra}:{line}"}, out.stdout
    flat = " ".join(out.stdout.split())
    for word in mistake.words:
        assert " ".join(word.split()) in flat, f"{mistake.name}: the fix should say {word!r}:\n{out.stdout}"
