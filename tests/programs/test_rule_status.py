"""docs/program-rules.md gives every rule id of PROGRAM_RULES.md a status, and every enforced
rule is cited by at least one test (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT.parent / "shared" / "PROGRAM_RULES.md"
STATUSES = {"enforced", "recorded only", "not applicable"}
ROW = re.compile(r"^\| ((?:SEG|CS|SUP)(?:-[A-Z]+)?-\d{2}) \| ([a-z ]+) \|", re.M)
CITATION = re.compile(
    r"\b(SEG-AGR|SEG-TIER|CS-AGR|CS-REF|SUP)-(\d{2})((?:/\d{2})*)(?:\.\.(\d{2}))?"
)
# The ids of PROGRAM_RULES.md, for a checkout without shared/ beside it.
KNOWN = (
    [f"CS-AGR-{i:02d}" for i in range(1, 12)]
    + [f"CS-REF-{i:02d}" for i in range(1, 19)]
    + [f"SEG-AGR-{i:02d}" for i in range(1, 14)]
    + [f"SEG-TIER-{i:02d}" for i in range(1, 12)]
    + [f"SUP-{i:02d}" for i in range(1, 7)]
)


def rule_ids() -> set[str]:
    if RULES.exists():
        return set(re.findall(r"\b(?:SEG|CS|SUP)(?:-[A-Z]+)?-\d{2}\b", RULES.read_text()))
    return set(KNOWN)


def statuses() -> dict[str, str]:
    text = (ROOT / "docs" / "program-rules.md").read_text()
    section = text.split("## Status of every rule", 1)[1]
    return dict(ROW.findall(section))


def cited(text: str) -> set[str]:
    """Ids a text cites, reading `CS-REF-07/08/14` and `SUP-01..06` as every id they name."""
    found = set()
    for m in CITATION.finditer(text):
        numbers = [int(m.group(2)), *(int(n) for n in m.group(3).split("/") if n)]
        if m.group(4):
            numbers += range(int(m.group(2)), int(m.group(4)) + 1)
        found |= {f"{m.group(1)}-{n:02d}" for n in numbers}
    return found


def test_known_ids_match_the_rules_file() -> None:
    assert rule_ids() == set(KNOWN)


def test_every_rule_has_a_status() -> None:
    table = statuses()
    assert sorted(rule_ids() - set(table)) == []
    assert sorted(set(table) - rule_ids()) == []
    assert {i: s for i, s in table.items() if s not in STATUSES} == {}


def test_every_enforced_rule_is_cited_by_a_test() -> None:
    here = Path(__file__).resolve()
    citations: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        if path.resolve() != here:
            citations |= cited(path.read_text(encoding="utf-8"))
    enforced = {i for i, s in statuses().items() if s == "enforced"}
    assert sorted(enforced - citations) == []


def test_citations_expand_lists_and_ranges() -> None:
    assert cited("CS-REF-07/08/14 and SUP-01..03") == {
        "CS-REF-07",
        "CS-REF-08",
        "CS-REF-14",
        "SUP-01",
        "SUP-02",
        "SUP-03",
    }


def test_issue_12_rule_statuses() -> None:
    """Issue 12: SEG-TIER-11 (qualifying opportunity kinds) and CS-AGR-04 (certification
    computed) are enforced, SEG-AGR-06 too; CS-AGR-07, CS-AGR-09 and CS-REF-18 are recorded
    only, each row saying why (its reason names what a person or the document does)."""
    table = statuses()
    assert {i: table[i] for i in ("SEG-TIER-11", "CS-AGR-04", "SEG-AGR-06")} == dict.fromkeys(
        ("SEG-TIER-11", "CS-AGR-04", "SEG-AGR-06"), "enforced"
    )
    recorded = ("CS-AGR-07", "CS-AGR-09", "CS-REF-18")
    assert {i: table[i] for i in recorded} == dict.fromkeys(recorded, "recorded only")
    section = (ROOT / "docs" / "program-rules.md").read_text().split("## Status of every rule")[1]
    for rule in recorded:
        (row,) = [line for line in section.splitlines() if line.startswith(f"| {rule} |")]
        assert len(row.split("|")[3].strip()) > 80, row


def entries() -> list[str]:
    """The entries of docs/program-rules.md: each bullet, bold-led paragraph or heading above
    the status table, and each row of the table."""
    text = (ROOT / "docs" / "program-rules.md").read_text()
    body, table = text.split("## Status of every rule", 1)
    return [*re.split(r"\n(?=- |\*\*|#)", body), *table.splitlines()]


def test_every_enforced_rule_says_which_dates_it_reads() -> None:
    """Issue 11 done-when: for each enforced rule, an entry citing it says which dates it reads
    ("Dates read: ..."), so a reader knows which facts' own dates decide it."""
    dated = re.compile(r"\bDates\s+read\b", re.I)
    enforced = {i for i, s in statuses().items() if s == "enforced"}
    said: set[str] = set()
    for entry in entries():
        if dated.search(entry):
            said |= cited(entry)
    assert sorted(enforced - said) == []
