"""Rule citations in explanations and messages: the ids come from the program's own file and
are passed in as plain values, so a program cites its rules and no other program's."""

from __future__ import annotations

from collections.abc import Iterable


def cite(ids: Iterable[str]) -> str:
    """Ids as one citation: `CS-REF-15/16` for ids of one family, `CS-REF-09, SEG-TIER-10`
    across families, in the order given; empty when there is none."""
    groups: list[tuple[str, list[str]]] = []
    for rule in dict.fromkeys(i for i in ids if i):
        family, _, number = rule.rpartition("-")
        if groups and groups[-1][0] == family:
            groups[-1][1].append(number)
        else:
            groups.append((family, [number]))
    return ", ".join(f"{family}-{'/'.join(numbers)}" for family, numbers in groups)


def cited_in(ids: Iterable[str]) -> str:
    """` (CS-REF-15/16)` to end a sentence with, or nothing when no rule is given."""
    text = cite(ids)
    return f" ({text})" if text else ""


def citing(ids: Iterable[str], text: str) -> str:
    """`CS-REF-07: text`, or the text alone when no rule is given."""
    rules = cite(ids)
    return f"{rules}: {text}" if rules else text
