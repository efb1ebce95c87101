"""Queries answered by PostgreSQL in one statement (issue 14), as PostGraphile answers them.

When every field of a query has a SQL mirror (`schema/sql_mirrors.py`) and its arguments are
ones the mirror takes, the whole answer is written as JSON by ONE statement
(`models/json_answers.py`): no row reaches Python, no API object is built. Values the
database cannot decide alone (an agreement with a notice: the term engine's reading) come
back as placeholders that `_fill` replaces with the rules' answers. Anything else (another
field, a filter, a cursor, `@defer`, an unexpected value, any error, SQLite) is answered by
the fast path as before (`schema/fast_path.py`), and so is a query whose statement fails (in
a savepoint when the request reads in a transaction) or meets a program added since the
request read the programs.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    get_named_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values
from prometheus_client import Counter

from models import json_answers
from rules.bounded_cache import BoundedCache, variables_key
from schema.agreements.types import status_among
from schema.common import present
from schema.pagination import DEFAULT_PAGE, MAX_PAGE
from schema.sql_mirrors import MIRRORS, TABLES, Embedded, Mirror, Relation
from services.agreements.state import supplemented_kinds

if TYPE_CHECKING:
    from schema.lean import LeanExecutionContext
    from schema.loaders import Loaders

Fields = Mapping[str, list[FieldDetails]]

MAX_KEYS = 50
"""json_build_object takes at most 100 arguments: 50 keys and values."""


SQL_FALLBACKS = Counter(
    "partnergraph_sql_path_fallbacks_total",
    "Queries PostgreSQL was to answer alone that the fast path answered instead, by the "
    "exception raised (a failed statement, a placeholder the rules refused).",
    ["error"],
)


class NoMirrorError(Exception):
    """A field without a mirror, or an argument its mirror does not take."""


class _Compiler:
    def __init__(self, context: LeanExecutionContext, partner: uuid.UUID | None) -> None:
        self.context = context
        self.partner = partner
        self.params: dict[str, Any] = {}
        self.tables: set[str] = set()
        self.aliases = 0
        self.joins: dict[str, str] = {}
        """The joins of each row alias's joined relations, until its FROM takes them."""

    def scope(self, c: str) -> str:
        """The partners the caller sees: all for an admin, else its own."""
        return "true" if self.partner is None else f"{c}.id = {self.param(self.partner)}"

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def obj(
        self,
        type_: GraphQLObjectType,
        fields: Fields,
        a: str,
        columns: Mapping[str, str] | None = None,
    ) -> str:
        pairs = [f"'{key}', {value}" for key, value in self.values(type_, fields, a, columns)]
        return f"json_build_object({', '.join(pairs)})"

    def values(
        self,
        type_: GraphQLObjectType,
        fields: Fields,
        a: str,
        columns: Mapping[str, str] | None = None,
    ) -> list[tuple[str, str]]:
        """Each response key of `fields` on the row `a` with the SQL of its JSON value."""
        mirrors = MIRRORS.get(type_.name)
        if mirrors is None or not fields or len(fields) > MAX_KEYS:
            raise NoMirrorError(type_.name)
        self.tables.update(TABLES.get(type_.name, ()))
        pairs = []
        for key, details in fields.items():
            first = details[0]
            if first.fragment_variable_values is not None:
                raise NoMirrorError(key)
            name = first.node.name.value
            if name == "__typename":
                value = f"'{type_.name}'"
            else:
                mirror = mirrors.get(name)
                if mirror is None:
                    raise NoMirrorError(f"{type_.name}.{name}")
                value = self.value(type_, name, mirror, details, a, columns)
            pairs.append((key, value))
        return pairs

    def value(
        self,
        type_: GraphQLObjectType,
        name: str,
        mirror: Mirror,
        details: list[FieldDetails],
        a: str,
        columns: Mapping[str, str] | None,
    ) -> str:
        field = type_.fields[name]
        given = get_argument_values(field, details[0].node, self.context.variable_values)
        args = {k: v for k, v in given.items() if v is not None}
        allowed = mirror.args if isinstance(mirror, Relation) else frozenset()
        if not set(args) <= allowed:
            raise NoMirrorError(f"{type_.name}.{name} arguments")
        if isinstance(mirror, str):
            for column, text in (columns or {}).items():
                mirror = mirror.replace(f"{{{column}}}", text)
            return mirror.replace("{a}", a)
        child = self.sub(field.type, details)
        if isinstance(mirror, Embedded):
            return self.obj(child[0], child[1], a, mirror.columns)
        self.tables.add(mirror.table)
        self.aliases += 1
        c = f"t{self.aliases}"
        if mirror.connection:
            return self.connection(mirror, child, a, c, args.get("first"))
        obj = self.obj(child[0], child[1], c)
        text = mirror.sql.replace("{a}", a).replace("{c}", c)
        text = text.replace("{joins}", self.joins.pop(c, ""))
        if mirror.joined:
            self.joins[a] = self.joins.get(a, "") + text
            return f"CASE WHEN {c}.id IS NULL THEN NULL ELSE {obj} END"
        return text.replace("{obj}", obj)

    def sub(
        self, type_: GraphQLOutputType, details: list[FieldDetails]
    ) -> tuple[GraphQLObjectType, Fields]:
        named = get_named_type(type_)
        if not isinstance(named, GraphQLObjectType):
            raise NoMirrorError(named.name)
        fields, deferred, _forbidden = self.context.collect_subfields(named, details)
        if deferred:
            raise NoMirrorError("@defer")
        return named, fields

    def connection(
        self,
        mirror: Relation,
        page: tuple[GraphQLObjectType, Fields],
        a: str,
        c: str,
        first: Any,
    ) -> str:
        size = DEFAULT_PAGE if first is None else first
        if not isinstance(size, int) or not 1 <= size <= MAX_PAGE:
            raise NoMirrorError("first")  # the field's own error, from the fast path
        pairs = []
        for key, details in page[1].items():
            name = details[0].node.name.value
            if name == "__typename":
                pairs.append(f"'{key}', '{page[0].name}'")
                continue
            if name != "nodes" or details[0].fragment_variable_values is not None:
                raise NoMirrorError(f"{page[0].name}.{name}")
            node_type, fields = self.sub(page[0].fields[name].type, details)
            text = mirror.sql
            if "{scope}" in text:
                text = text.replace("{scope}", self.scope(c))
            text = text.replace("{a}", a)
            text = text.replace("{c}", c).replace("{first}", self.param(size))
            obj = self.obj(node_type, fields, c)
            text = text.replace("{joins}", self.joins.pop(c, "")).replace("{obj}", obj)
            pairs.append(f"'{key}', {text}")
        return f"json_build_object({', '.join(pairs)})"


def compile_answer(
    context: LeanExecutionContext, root_type: GraphQLObjectType, fields: Fields
) -> Callable[[], Awaitable[tuple[dict[str, orjson.Fragment], int]]] | None:
    """The run of a query's answer by PostgreSQL (the answer and its number of fields), or
    None when a field has no mirror (or the database is not PostgreSQL); the run raises when
    the answer needs the fast path."""
    loaders: Loaders | None = getattr(context.context_value, "loaders", None)
    actor = getattr(context.context_value, "actor", None)
    if loaders is None or actor is None or loaders.dialect != "postgresql":
        return None
    if not actor.is_admin and actor.partner_id is None:
        return None
    partner = None if actor.is_admin else actor.partner_id
    key = _key(context, partner)
    found = None if key is None else _COMPILED.entries.get(key)
    if found is None or found[0] is not context.operation:
        found = (context.operation, _compile(context, partner, root_type, fields))
        if key is not None:
            _COMPILED.put(key, found)
    if found[1] is None:
        return None
    keys, sql, static, tables = found[1]

    async def run() -> tuple[dict[str, orjson.Fragment], int]:
        programs = await loaders.all_programs()
        nonce = secrets.token_hex(16)
        params = {
            **static,
            "program_ids": [p.id for p in programs],
            "days": [present(loaders.loaded_today(p.id)) for p in programs],
            "kinds": orjson.dumps({str(p.id): supplemented_kinds(p) for p in programs}).decode(),
            "nonce": nonce,
            "minor": json_answers.MINOR,
        }
        texts: Sequence[str] = await loaders.read(
            lambda s: json_answers.read_answer(s, sql, params, tables)
        )
        if any(nonce in text for text in texts):
            texts = await _fill(loaders, texts, nonce)
        # Each root field's JSON goes into the response as PostgreSQL wrote it: orjson embeds
        # a Fragment verbatim, so the answer is neither decoded nor encoded again in Python.
        data = {key: orjson.Fragment(text) for key, text in zip(keys, texts, strict=True)}
        return data, len(keys) + sum(json_answers.count_keys(text) for text in texts)

    return run


Compiled = tuple[tuple[str, ...], str, dict[str, Any], frozenset[str]]
"""A query's root response keys, its statement (one JSON value per key), its parameters from
the query (page sizes, the caller's partner) and the tables it reads."""

_COMPILED: BoundedCache[Hashable, tuple[OperationDefinitionNode, Compiled | None]] = BoundedCache(
    1024
)
"""Statements by operation (kept parsed by `schema/document_cache.py`), variables and caller;
None for a query the fast path answers. The operation is kept to tell a reused id."""


def _key(context: LeanExecutionContext, partner: uuid.UUID | None) -> Hashable | None:
    variables = variables_key(context.variable_values.coerced)
    if variables is None:
        return None  # a list, an input object, a long string: compiled for this request only
    return (id(context.operation), partner, variables)


def _compile(
    context: LeanExecutionContext,
    partner: uuid.UUID | None,
    root_type: GraphQLObjectType,
    fields: Fields,
) -> Compiled | None:
    compiler = _Compiler(context, partner)
    try:
        roots = compiler.values(root_type, fields, "root")
    except NoMirrorError:
        return None
    if not compiler.tables or compiler.joins:
        return None  # `__typename` alone: nothing to read; a join with no FROM to take it
    tables = frozenset({*compiler.tables, "programs"})
    keys = tuple(key for key, _ in roots)
    return keys, json_answers.statement([value for _, value in roots]), compiler.params, tables


async def _fill(loaders: Loaders, texts: Sequence[str], nonce: str) -> list[str]:
    """The answer with each agreement placeholder replaced by the status the term engine
    gives (`Agreement.status`: `state_among` as of the program's today)."""
    pattern = re.compile(f'"{nonce}:A:([0-9a-f-]{{36}}):([0-9a-f-]{{36}})"')
    wanted = {(uuid.UUID(p), uuid.UUID(a)) for text in texts for p, a in pattern.findall(text)}
    partners = sorted({p for p, _ in wanted})
    lists = await asyncio.gather(*(loaders.agreements_of_partner.load(p) for p in partners))
    siblings = dict(zip(partners, lists, strict=True))
    statuses: dict[str, str] = {}
    for partner, ident in wanted:
        row = present(next((r for r in siblings[partner] if r.id == ident), None))
        statuses[str(ident)] = status_among(loaders, row, siblings[partner]).name
    return [pattern.sub(lambda m: f'"{statuses[m.group(2)]}"', text) for text in texts]
