"""Answers built as JSON by PostgreSQL (issue 14): SQL mirrors of the API's values.

`schema/sql_path.py` turns a query whose every field has a mirror here into ONE statement
that returns the answer's JSON text, as PostGraphile does. Each mirror writes a value exactly
as the API's Python path does (`tests/schema/test_sql_path.py` compares both on varied data):

- global IDs: `rules.global_ids.global_id` (URL-safe base64 of `Type:<hex>`, unpadded);
- `DateTime`: `datetime.isoformat()` in UTC (microseconds only when not zero);
- money: `rules.money.round_money` (the currency's minor unit, halves away from zero);
- enums: the member's name, the stored value in capitals;
- statuses as of each program's today (`Today`, bound per request): a referral's
  (`rules.referral_state.status_on`), a commission's (`services.commissions.ledger`), and an
  agreement's where it follows from its dates alone (`rules.agreement_terms.state_on`
  without notices). An agreement with a notice, or whose parent agreement has one, gets a
  placeholder that the caller replaces with the term engine's answer (`PLACEHOLDER`).

Statements run on the request's session (autocommit reads, or a savepoint of an
Idempotency-Key's transaction) and note the tables they read for the response cache
(`models.versions.note_tables_read`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.versions import note_tables_read
from rules.money import MINOR_UNITS

TODAY = "(%(days)s::date[])[array_position(%(program_ids)s::uuid[], {a}.program_id)]"
"""The program's today for row `{a}`: each program's today is bound per request."""

PLACEHOLDER = "%(nonce)s || ':{kind}:' || {a}.partner_id::text || ':' || {a}.id::text"
"""A value left to the caller: the request's random nonce (never in stored data), a kind
letter, and the row's partner and id."""


def global_id(type_name: str, column: str) -> str:
    """The global ID of the `type_name` whose database id is `column`."""
    # encode() breaks its lines every 76 characters (57 bytes): the type name, a colon and
    # 32 hex digits fit in one line for names up to 24 characters. replace() rather than
    # translate(), which cost a tenth of the dashboard's statement.
    if len(type_name.encode()) > 57 - 33:
        raise ValueError(f"type name {type_name!r} is too long for one base64 line")
    raw = f"('{type_name}:' || replace({column}::text, '-', ''))::bytea"
    urlsafe = f"replace(replace(encode({raw}, 'base64'), '+', '-'), '/', '_')"
    return f"rtrim({urlsafe}, '=')"


def date_time(column: str) -> str:
    """An aware UTC timestamp as `datetime.isoformat()` writes it (null for null)."""
    # the fraction has six digits, and none when they are all zero
    text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"replace({text}, '.000000', '') || '+00:00'"


def money_amount(amount: str, currency: str) -> str:
    """`amount` rounded to `currency`'s minor unit, as the Decimal scalar's text."""
    digits = f"coalesce(((SELECT minor FROM defined) ->> {currency})::int, 2)"
    # PostgreSQL's round(numeric, n) rounds halves away from zero, as ROUND_HALF_UP does; a
    # negative amount that rounds to zero keeps its sign in Python's Decimal ("-0.00").
    return (
        f"(SELECT CASE WHEN {amount} < 0 AND m.r = 0 THEN '-' || m.r::text ELSE m.r::text END "
        f"FROM (SELECT round({amount}, {digits}) AS r) m)"
    )


def enum_name(column: str) -> str:
    """The GraphQL name of a stored enum value."""
    return f"upper({column})"


def _by(column: str, today: str) -> str:
    return f"coalesce({column} <= {today}, false)"


def _on_today(a: str, case: str, more: str = "") -> str:
    """`case`, reading `d.day` (and `more` values), with row `a`'s today taken once."""
    return f"(SELECT {case} FROM (SELECT {TODAY.format(a=a)} AS day{more}) d)"


def referral_status(a: str) -> str:
    """A referral's status at the end of its program's today (`status_on`)."""
    t = "d.day"
    approved = _by(f"{a}.approved_on", t)
    overdue = f"coalesce({t} > {a}.decision_deadline, false)"
    met = f"({a}.meeting_on IS NOT NULL AND {a}.meeting_on <= {a}.meeting_deadline)"
    missed = f"({a}.meeting_deadline IS NOT NULL AND {t} > {a}.meeting_deadline AND NOT {met})"
    return _on_today(
        a,
        f"CASE WHEN {_by(f'{a}.closed_on', t)} THEN 'CLOSED' "
        f"WHEN {_by(f'{a}.qualified_on', t)} THEN 'QUALIFIED' "
        f"WHEN {_by(f'{a}.rejected_on', t)} THEN 'REJECTED' "
        f"WHEN NOT {approved} AND {overdue} "
        f"AND {a}.undecided_outcome IS NOT DISTINCT FROM 'deemed_rejected' "
        "THEN 'DEEMED_REJECTED' "
        f"WHEN NOT {approved} AND NOT {overdue} THEN 'SUBMITTED' "
        f"WHEN {_by(f'{a}.not_viable_on', t)} OR {missed} THEN 'NOT_LIVE' "
        "ELSE 'APPROVED' END",
    )


def commission_status(a: str) -> str:
    """PAID, PAYABLE or PENDING on its program's today (`commission_status`)."""
    return _on_today(
        a,
        f"CASE WHEN {_by(f'{a}.paid_on', 'd.day')} THEN 'PAID' "
        f"WHEN {_by(f'{a}.payable_on', 'd.day')} THEN 'PAYABLE' ELSE 'PENDING' END",
    )


def agreement_status(a: str) -> str:
    """An agreement's status at the start of its program's today where its dates decide it
    (`state_on` without notices, `bounded_by` a parent without notices); the `A` placeholder
    otherwise, and for a kind the program does not define or a parent that is itself a
    supplement (`kinds`: each program's kinds, by id, with the kind each supplements)."""
    t = "d.day"
    parent = "d.parent"
    noticed = "SELECT 1 FROM agreement_notices n WHERE n.agreement_id = {x}"
    later = PLACEHOLDER.format(kind="A", a=a)
    return _on_today(
        a,
        f"CASE WHEN {parent} IS NULL OR {parent} = '*' THEN {later} "
        f"WHEN {_by(f'{a}.rejected_on', t)} THEN 'REJECTED' "
        f"WHEN {a}.effective_on IS NULL OR {a}.effective_on > {t} THEN 'PENDING' "
        f"WHEN EXISTS ({noticed.format(x=f'{a}.id')}) "
        # from the notices (few) to their agreements, not from every agreement to its notices
        "OR EXISTS (SELECT 1 FROM agreement_notices n JOIN agreements up ON up.id = n.agreement_id "
        f"WHERE up.partner_id = {a}.partner_id AND up.program_id = {a}.program_id "
        f"AND up.kind = {parent}) "
        f"THEN {later} "
        "ELSE 'ACTIVE' END",
        f", (SELECT kinds FROM defined) -> ({a}.program_id::text) ->> {a}.kind AS parent",
    )


def statement(values: Sequence[str]) -> str:
    """The statement of an answer's JSON, one text column per root field of `values` (JSON
    expressions), with the request's programs and their todays (`program_ids`, `days`), and
    `DEFINED`'s parameters; its first column counts the programs not among `program_ids`."""
    columns = ", ".join(f"({value})::text" for value in values)
    unknown = "(SELECT count(*) FROM programs WHERE id <> ALL(%(program_ids)s::uuid[]))"
    return f"{DEFINED} SELECT {unknown}, {columns}"


DEFINED = (
    "WITH defined AS MATERIALIZED (SELECT %(kinds)s::jsonb AS kinds, %(minor)s::jsonb AS minor)"
)
"""The values every row reads, bound once per statement: the programs' agreement kinds
(`kinds`) and the currencies whose minor unit is not 2 digits (`minor`: `MINOR`)."""

MINOR = json.dumps(MINOR_UNITS, sort_keys=True)
"""`rules.money.MINOR_UNITS` as the `minor` parameter."""


def count_keys(text: str) -> int:
    """The fields of an answer's JSON text as PostgreSQL writes it (`"key" : value`): every
    quote inside a string is escaped, so `" : ` ends a key unless a backslash precedes it."""
    keys = text.count('" : ')
    # most answers hold no backslash: then one scan is enough (the dashboard's 78 KB: 50 us)
    return keys - text.count('\\" : ') if "\\" in text else keys


async def read_answer(
    session: AsyncSession, sql: str, params: Mapping[str, Any], tables: Iterable[str]
) -> tuple[str, ...]:
    """Run an answer's statement on the session's connection; its JSON texts. In a
    transaction (a request under an Idempotency-Key) it runs in a savepoint, so that a failed
    statement leaves the transaction usable for the fast path's reads. LookupError when a
    program the request did not read exists (added since): its today is not bound."""
    sync = session.sync_session
    if sync.autoflush and (sync.new or sync.dirty or sync.deleted):
        await session.flush()
    note_tables_read(sync, tables)
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is not None and driver.autocommit:
        result = await connection.exec_driver_sql(sql, dict(params))
        row = result.one()
    else:
        async with session.begin_nested():  # the savepoint is set by the next connection()
            result = await (await session.connection()).exec_driver_sql(sql, dict(params))
            row = result.one()
    if row[0]:
        raise LookupError("a program was added since the request read the programs")
    return tuple(row[1:])
