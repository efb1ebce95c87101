"""An import's plan: what is already imported, the rows to insert, the errors found so far."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ExternalId, Program
from services.errors import ImportErrorCode as Code
from services.imports.columns import FILES, filename
from services.imports.marks import Mark
from services.imports.reading import ParsedFile, Row, RowError, canonical

Attachments = Callable[[str], bytes | None]
"""The bytes of a file named by an agreements row's documentFile (None: no such file)."""

Progress = Callable[[str, int], None]
"""Told (stage, rows) as rows are checked and written."""


def no_progress(_stage: str, _rows: int) -> None:
    """A progress callback that shows nothing."""


@dataclass
class Plan:
    """The state of one import while its files are checked, then written in batches."""

    program: Program
    today: date
    known: dict[str, dict[str, uuid.UUID]]
    attachments: Attachments
    files: dict[str, ParsedFile] = field(default_factory=dict)
    new: dict[str, dict[str, uuid.UUID]] = field(default_factory=dict)
    inserts: dict[Any, list[dict[str, Any]]] = field(default_factory=dict)
    updates: list[Executable] = field(default_factory=list)
    objects: dict[str, dict[uuid.UUID, Any]] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)
    to_render: list[tuple[Row, dict[str, Any], Any, uuid.UUID, uuid.UUID]] = field(
        default_factory=list
    )
    late_errors: list[RowError] = field(default_factory=list)
    ledger_partners: set[uuid.UUID] = field(default_factory=set)
    payouts: list[tuple[Row, uuid.UUID]] = field(default_factory=list)
    facts: dict[uuid.UUID, Any] = field(default_factory=dict)
    marks: list[Mark] = field(default_factory=list)

    def resolve(self, kind: str, external_id: str) -> uuid.UUID | None:
        """The id of a record of a kind, imported before or in this import."""
        found = self.new.get(kind, {}).get(external_id)
        return found if found is not None else self.known.get(kind, {}).get(external_id)

    def ref(self, parsed: ParsedFile, row: Row, column: str, kind: str) -> uuid.UUID | None:
        """The record a row's column names by externalId, or an UNKNOWN_REFERENCE error."""
        value = str(row.values[column])
        found = self.resolve(kind, value)
        if found is None:
            parsed.error(
                row,
                column,
                Code.UNKNOWN_REFERENCE,
                f"no {kind} row with externalId {value!r} is imported, now or before "
                "(a row of this import that is refused counts as absent)",
            )
        return found

    def add(self, table: Any, values: dict[str, Any]) -> None:
        """Plan a row to insert."""
        self.inserts.setdefault(table, []).append(values)

    def adopt(self, kind: str, row: Row, entity_id: uuid.UUID) -> None:
        """Plan a new record of a kind with its external id."""
        self.new.setdefault(kind, {})[row.external_id] = entity_id
        self.add(
            ExternalId.__table__,
            {
                "program_id": self.program.id,
                "kind": kind,
                "external_id": row.external_id,
                "entity_id": entity_id,
            },
        )

    def mark(
        self,
        kind: str,
        row: Row,
        column: str,
        operation: str,
        target: tuple[str, uuid.UUID],
        partner: uuid.UUID | None,
        day: date | None = None,
    ) -> None:
        """Plan the backfill mark of the fact a row's dated column records (none when the cell
        is empty): `operation` is the mutation that records it, `target` its audited object."""
        on = day if day is not None else row.values.get(column)
        if on is None:
            return
        source = f"{filename(kind)}:{row.external_id}"
        self.marks.append(Mark(operation, target[0], target[1], partner, on, source, column))

    def not_after_today(self, parsed: ParsedFile, row: Row, *columns: str) -> bool:
        """Whether each dated column is on or before the program's today (else AFTER_TODAY)."""
        ok = True
        for column in columns:
            value = row.values.get(column)
            if value is not None and _day(value) > self.today:
                parsed.error(
                    row,
                    column,
                    Code.AFTER_TODAY,
                    f"{column} {value} is after the program's today ({self.today})",
                )
                ok = False
        return ok

    def in_order(self, parsed: ParsedFile, row: Row, earlier: str, later: str) -> bool:
        """Whether `later` is not before `earlier` when both are given (else OUT_OF_ORDER)."""
        first, second = row.values.get(earlier), row.values.get(later)
        if first is not None and second is not None and _day(second) < _day(first):
            parsed.error(
                row, later, Code.OUT_OF_ORDER, f"{later} {second} is before {earlier} {first}"
            )
            return False
        return True


def _day(value: Any) -> date:
    return value if isinstance(value, date) and not hasattr(value, "hour") else value.date()


async def known_ids(session: AsyncSession, program: Program) -> dict[str, dict[str, uuid.UUID]]:
    """Every external id already imported into a program, by kind."""
    known: dict[str, dict[str, uuid.UUID]] = {}
    rows = await session.execute(
        select(ExternalId.kind, ExternalId.external_id, ExternalId.entity_id).where(
            ExternalId.program_id == program.id
        )
    )
    for kind, external_id, entity_id in rows:
        known.setdefault(kind, {})[external_id] = entity_id
    return known


def split_known(
    plan: Plan, parsed: ParsedFile, stored: dict[str, dict[str, Any]] | None
) -> list[Row]:
    """The rows not imported before. Each row imported before must equal what is stored
    (`stored`: the export of the kind by externalId), else CHANGED; duplicates in the file
    are DUPLICATE_EXTERNAL_ID."""
    seen: set[str] = set()
    fresh = []
    for row in parsed.rows:
        key = row.external_id
        if key in seen:
            parsed.error(row, "externalId", Code.DUPLICATE_EXTERNAL_ID, f"{key!r} appears twice")
            continue
        seen.add(key)
        if key not in plan.known.get(parsed.kind, {}):
            fresh.append(row)
            continue
        before = (stored or {}).get(key)
        if before is not None and canonical(parsed.kind, before) == canonical(
            parsed.kind, row.values
        ):
            plan.unchanged[parsed.kind] = plan.unchanged.get(parsed.kind, 0) + 1
            continue
        names = [c.name for c in FILES[parsed.kind]]
        pairs = zip(
            canonical(parsed.kind, before or {}), canonical(parsed.kind, row.values), strict=True
        )
        changed = [n for n, (a, b) in zip(names, pairs, strict=True) if a != b]
        parsed.error(
            row,
            changed[0] if changed else "externalId",
            Code.CHANGED,
            f"{key!r} was imported before with other values ({', '.join(changed) or 'gone'}); "
            "an import adds records, it does not change them",
        )
    return fresh


def local_midnight(plan: Plan, day: object) -> datetime:
    """The start of a day in the program's time zone (the time a dated fact is stamped with)."""
    assert hasattr(day, "isoformat")
    return datetime.combine(day, time(0), ZoneInfo(plan.program.timezone))  # type: ignore[arg-type]


def differs(
    row: Row, first: dict[str, object], parsed: ParsedFile, columns: tuple[str, ...]
) -> bool:
    """Whether a row disagrees with the first row of its record on a column (INCONSISTENT)."""
    for column in columns:
        if row.values[column] != first[column]:
            parsed.error(
                row,
                column,
                Code.INCONSISTENT,
                f"{column} differs from another row of the same record ({first[column]})",
            )
            return True
    return False
