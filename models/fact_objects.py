"""Fact objects made straight from their rows (issue 14).

In a batch, facts are written by the batch's own statement (models/facts.py), so building them
through the mapped class's constructor (an attribute event per value set) and then setting and
reading every other column spent CPU on bookkeeping nothing used: about a millisecond per
click-acceptance, which builds seven of them. `new` fills the complete row (Python-side
defaults applied) and gives it to a fresh instance of the class as its state (outside a batch
the session's unit of work inserts it from that state as it would any new object). It skips
the class's own `__init__`: it is for append-only facts, whose classes define none (a state
row such as an agreement is made by its constructor). `row_of` reads any mapped object's
columns through a plan made once per class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import inspect

from models.base import Base

T = TypeVar("T", bound=Base)
Row = dict[str, Any]


class _Plan:
    """A mapped class's columns: attribute key, column key and Python-side default."""

    __slots__ = ("columns", "keys", "new_instance", "own_init")

    def __init__(self, model: type[Base]) -> None:
        mapper = inspect(model)
        # a constructor of its own does more than set columns: `new` would skip that
        self.own_init = mapper.class_manager.original_init is not model.registry.constructor
        self.columns: list[tuple[str, str, Callable[[], Any] | None, Any]] = []
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            default = column.default
            make: Callable[[], Any] | None = None
            value: Any = None
            if default is not None and default.is_callable:
                make = _caller(default.arg)
            elif default is not None and default.is_scalar:
                value = default.arg
            self.columns.append((prop.key, column.key, make, value))
        self.keys = frozenset(key for key, *_ in self.columns)
        self.new_instance = mapper.class_manager.new_instance


def _caller(arg: Callable[[Any], Any]) -> Callable[[], Any]:
    """A column default's callable (SQLAlchemy wraps it to take an execution context)."""
    return lambda: arg(None)


_PLANS: dict[type[Base], _Plan] = {}


def _plan(model: type[Base]) -> _Plan:
    found = _PLANS.get(model)
    if found is None:
        found = _PLANS[model] = _Plan(model)
    return found


def new(model: type[T], **values: Any) -> T:
    """A new `model` object holding the complete row: the given values, each missing column
    its Python-side default (else None). Unknown names are refused, as the constructor does."""
    plan = _plan(model)
    if plan.own_init:
        raise TypeError(f"{model.__name__} has its own __init__: make it with its constructor")
    unknown = values.keys() - plan.keys
    if unknown:
        raise TypeError(f"{', '.join(sorted(unknown))} is not a column of {model.__name__}")
    for key, _, make, value in plan.columns:
        if key not in values:
            values[key] = make() if make is not None else value
    fact = cast(T, plan.new_instance())
    fact.__dict__.update(values)  # the instance's state dict: read as loaded, written by us
    return fact


def row_of(fact: Base) -> Row:
    """Every column of a mapped object by column key, its Python-side defaults applied (and
    set on it); a column never set reads None (and is set so)."""
    values = fact.__dict__
    row: Row = {}
    for key, column, make, value in _plan(type(fact)).columns:
        if key in values:
            row[column] = values[key]
            continue
        if make is not None:
            value = make()
        setattr(fact, key, value)
        row[column] = value
    return row
