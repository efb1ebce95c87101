"""Keys read in the last seconds (services/apikeys/recent.py, issue 14): a request need not read
its key again, yet a wrong secret, an expiry or a revocation still refuses it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from models import ApiKey
from models.base import utcnow
from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys import keys as keys_module
from services.apikeys import recent as recent_module
from services.apikeys.keys import revoke_api_key, split_token
from services.apikeys.recent import KnownKey, RecentKeys, forget_everywhere
from tests.conftest import Api, StatementCounter
from tests.helpers.api import KEY_KEPT

pytestmark = pytest.mark.anyio

TYPENAME = "{ __typename }"
REVOKE = (
    "mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { userErrors { code } } }"
)
KEYS = "{ apiKeys { id prefix } }"


def _prefix(token: str) -> str:
    parts = split_token(token)
    assert parts is not None
    return parts[0]


def _key(name: str = "k") -> KnownKey:
    return KnownKey(uuid.uuid4(), name, ApiKeyRole.ADMIN, None, "0" * 64, None, None)


class Clock:
    """A stand-in for time.monotonic, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(recent_module, "time", SimpleNamespace(monotonic=clock))
    return clock


def test_a_key_is_kept_for_the_seconds_then_read_again(clock: Clock) -> None:
    recent, key = RecentKeys(2.0), _key()
    recent.put("pfx", key)
    clock.now += 1.9
    assert recent.get("pfx") is key
    clock.now += 0.1
    assert recent.get("pfx") is None


def test_at_most_size_keys_are_kept_the_oldest_out_first(clock: Clock) -> None:
    recent = RecentKeys(2.0, size=2)
    for prefix in ("a", "b", "c"):
        recent.put(prefix, _key(prefix))
    assert recent.get("a") is None
    assert recent.get("b") is not None and recent.get("c") is not None


def test_zero_seconds_keeps_nothing_and_forgetting_reaches_every_cache(clock: Clock) -> None:
    off = RecentKeys(0)
    off.put("a", _key())
    assert off.get("a") is None
    one, two = RecentKeys(2.0), RecentKeys(2.0)
    one.put("a", _key())
    two.put("a", _key())
    forget_everywhere("a")
    assert one.get("a") is None and two.get("a") is None


@KEY_KEPT
async def test_a_request_with_a_key_read_moments_ago_runs_no_statement(
    api: Api, statements: StatementCounter
) -> None:
    await api.gql(TYPENAME)
    before = statements.count
    await api.gql(TYPENAME)
    assert statements.count == before  # no key read, no transaction


async def test_a_kept_key_is_still_refused_with_a_wrong_secret_or_past_its_expiry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = await api.new_key()
    async with api.sessionmaker.begin() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.prefix == _prefix(key))
            .values(expires_at=utcnow() + timedelta(hours=1))
        )
    await api.gql(TYPENAME, key=key)  # read and kept, with its expiry
    parts = split_token(key)
    assert parts is not None
    wrong = f"pgk_{parts[0]}_{parts[1][::-1]}"
    assert (await api.post(TYPENAME, key=wrong)).status_code == 401
    assert (await api.post(TYPENAME, key=key)).status_code == 200
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr(keys_module, "utcnow", lambda: later)
    assert (await api.post(TYPENAME, key=key)).status_code == 401


async def test_a_revocation_refuses_the_key_at_once_in_this_process(api: Api) -> None:
    key = await api.new_key()
    await api.gql(TYPENAME, key=key)  # kept
    listed = (await api.gql(KEYS))["apiKeys"]
    theirs = next(k for k in listed if k["prefix"] == _prefix(key))
    assert (await api.gql(REVOKE, {"input": {"keyId": theirs["id"]}}))["revokeApiKey"][
        "userErrors"
    ] == []
    assert (await api.post(TYPENAME, key=key)).status_code == 401


async def test_a_key_revoked_by_another_process_stops_working_within_the_seconds(
    api: Api, clock: Clock
) -> None:
    key = await api.new_key()
    await api.gql(TYPENAME, key=key)  # kept
    async with api.sessionmaker.begin() as session:  # as another process would: no forgetting
        await session.execute(
            update(ApiKey).where(ApiKey.prefix == _prefix(key)).values(revoked_at=utcnow())
        )
    assert (await api.post(TYPENAME, key=key)).status_code == 200  # the kept copy, < 2 s old
    clock.now += 2.0
    assert (await api.post(TYPENAME, key=key)).status_code == 401


@KEY_KEPT  # without the hook the kept copy would still answer: no expiry to hide that
async def test_a_key_read_while_its_revocation_commits_is_forgotten_at_the_commit(
    api: Api,
) -> None:
    key = await api.new_key()
    async with api.sessionmaker() as session, session.begin():
        await revoke_api_key(session, _prefix(key), SYSTEM)
        await session.flush()
        # a request meanwhile reads the key as committed so far, and keeps it
        assert (await api.post(TYPENAME, key=key)).status_code == 200
    assert (await api.post(TYPENAME, key=key)).status_code == 401
