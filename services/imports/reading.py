"""Reading import files: bytes to typed rows, every bad cell reported with its line and column.

A file is UTF-8 (an optional BOM is dropped) with a header line naming its columns in any order;
line endings are LF or CRLF. A bare CR (old Mac line endings) is refused with BARE_CR rather
than guessed at.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from services.errors import ImportErrorCode as Code
from services.imports.columns import FILES, BadValueError, filename


@dataclass(frozen=True)
class RowError:
    """One problem of one row: its file, line (1 = the header), column, code and message."""

    file: str
    line: int
    column: str
    code: Code
    message: str


@dataclass
class Row:
    """A row of a file, typed; `line` is its line number in the file."""

    line: int
    values: dict[str, Any]

    @property
    def external_id(self) -> str:
        """The source system's id of the row."""
        return str(self.values["externalId"])


@dataclass
class ParsedFile:
    """The rows of one file that read cleanly, and every error of the others."""

    kind: str
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The file's name."""
        return filename(self.kind)

    def error(self, row: Row | None, column: str, code: Code, message: str) -> None:
        """Record a problem of a row (None: of the whole file, line 1)."""
        self.errors.append(RowError(self.name, row.line if row else 1, column, code, message))


def kind_of(name: str) -> str | None:
    """The kind a file name (`referrals.csv`, or the bare kind) stands for."""
    kind = name[:-4] if name.endswith(".csv") else name
    return kind if kind in FILES else None


def parse_file(kind: str, data: bytes) -> ParsedFile:
    """Read one file of a kind; unreadable rows become errors, the others typed rows."""
    parsed = ParsedFile(kind)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.error(None, "", Code.BAD_ENCODING, f"not UTF-8 (byte {exc.start})")
        return parsed
    if "\r" in text.replace("\r\n", ""):
        line = text[: text.replace("\r\n", "\n\n").find("\r")].count("\n") + 1
        parsed.errors.append(
            RowError(
                parsed.name,
                line,
                "",
                Code.BARE_CR,
                "bare CR line endings: save the file with LF or CRLF line endings",
            )
        )
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        parsed.error(None, "", Code.MALFORMED_CSV, str(exc))
        return parsed
    if header is None:
        parsed.error(None, "", Code.MISSING_COLUMN, "the file is empty: a header line is required")
        return parsed
    columns = {c.name: c for c in FILES[kind]}
    for name in header:
        if name not in columns:
            parsed.error(None, name, Code.UNKNOWN_COLUMN, f"{name!r} is not a column of {kind}")
    absent = [c.name for c in columns.values() if c.optional_header and c.name not in header]
    for name in columns:
        if name not in header and name not in absent:
            parsed.error(None, name, Code.MISSING_COLUMN, f"column {name!r} is missing")
    if parsed.errors:
        return parsed
    line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.errors.append(RowError(parsed.name, line + 1, "", Code.MALFORMED_CSV, str(exc)))
            break
        row = Row(line + 1, {name: columns[name].default for name in absent})
        line = reader.line_num
        if not cells:
            continue
        if len(cells) != len(header):
            parsed.error(
                row,
                "",
                Code.WRONG_FIELD_COUNT,
                f"{len(cells)} fields where the header has {len(header)}",
            )
            continue
        good = True
        for name, cell in zip(header, cells, strict=True):
            try:
                row.values[name] = columns[name].read(cell)
            except BadValueError as bad:
                parsed.error(row, name, bad.code, bad.message)
                good = False
        if good:
            parsed.rows.append(row)
    return parsed


def render_file(kind: str, rows: list[dict[str, Any]]) -> bytes:
    """A file of a kind from typed rows, in canonical spelling (the export's format)."""
    columns = FILES[kind]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([c.show(row.get(c.name)) for c in columns])
    return out.getvalue().encode("utf-8")


def canonical(kind: str, values: dict[str, Any]) -> tuple[str, ...]:
    """A row's values in canonical spelling, for comparing an import with what is stored."""
    return tuple(c.show(values.get(c.name)) for c in FILES[kind])
