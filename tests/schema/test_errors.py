"""Which errors mean the database could not be reached (schema/errors.is_outage)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, exc, text

from schema.errors import is_outage


def test_a_connection_lost_mid_transaction_and_used_again_is_an_outage() -> None:
    """A request's reads share its connection: when the database goes away under one, the
    next meets SQLAlchemy's PendingRollbackError, not the disconnect (issue 13's 503)."""
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        connection.begin()
        connection.invalidate()  # what a disconnect error does to the connection
        with pytest.raises(exc.PendingRollbackError) as raised:
            connection.execute(text("SELECT 1"))
    assert is_outage(raised.value)


def test_a_session_left_unusable_by_a_failed_flush_is_not_an_outage() -> None:
    error = exc.PendingRollbackError(
        "This Session's transaction has been rolled back due to a previous exception during flush.",
        code="7s2a",
    )
    assert not is_outage(error)


def _read() -> None:
    try:
        raise exc.OperationalError("SELECT 1", {}, ConnectionError("server closed"))
    except exc.OperationalError as inner:
        raise RuntimeError("while reading") from inner


def test_a_disconnect_behind_another_error_is_an_outage() -> None:
    with pytest.raises(RuntimeError) as raised:
        _read()
    assert is_outage(raised.value)
    assert not is_outage(RuntimeError("a bug"))
