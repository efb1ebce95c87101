"""Idempotency keys and the audit log."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from api.idempotency import request_hash
from models import ApiKey, IdempotencyRecord, Partner
from models.base import utcnow
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from tests.conftest import Api
from tests.helpers.api import CREATE_PARTNER, create_partner, partner_input

pytestmark = pytest.mark.anyio


async def _partners(api: Api) -> int:
    async with api.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Partner)) or 0)


async def _post(api: Api, body: dict[str, object], key: str) -> object:
    return await api.client.post(
        "/graphql",
        json=body,
        headers={"Authorization": f"Bearer {api.admin_key}", "Idempotency-Key": key},
    )


async def test_replayed_idempotent_mutation_creates_nothing_new(api: Api) -> None:
    """Done when: a replayed idempotent mutation creates nothing new."""
    body = {"query": CREATE_PARTNER, "variables": {"input": partner_input()}}
    first = await _post(api, body, "create-acme-1")
    again = await _post(api, body, "create-acme-1")
    assert first.status_code == again.status_code == 200  # type: ignore[attr-defined]
    assert first.json() == again.json()  # type: ignore[attr-defined]
    assert again.headers["idempotent-replayed"] == "true"  # type: ignore[attr-defined]
    assert await _partners(api) == 1
    other = {"query": CREATE_PARTNER, "variables": {"input": partner_input(country="FR")}}
    reused = await _post(api, other, "create-acme-1")
    assert reused.status_code == 422  # type: ignore[attr-defined]
    assert reused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"  # type: ignore[attr-defined]
    fresh = await _post(api, other, "create-acme-2")
    assert fresh.status_code == 200  # type: ignore[attr-defined]
    assert await _partners(api) == 2


async def test_key_in_flight_gets_409_and_keys_are_per_caller(api: Api) -> None:
    body = {"query": CREATE_PARTNER, "variables": {"input": partner_input()}}
    async with api.sessionmaker() as session:
        admin = await session.scalar(select(ApiKey).where(ApiKey.role == ApiKeyRole.ADMIN))
        assert admin is not None
    raw = json.dumps(body).encode()
    async with api.sessionmaker.begin() as session:
        session.add(
            IdempotencyRecord(
                id=uuid.uuid4(),
                api_key_id=admin.id,
                key="busy",
                request_sha256=request_hash("POST", "/graphql", "application/json", raw),
                status="running",
                created_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    busy = await api.client.post(
        "/graphql",
        content=raw,
        headers={
            "Authorization": f"Bearer {api.admin_key}",
            "Idempotency-Key": "busy",
            "content-type": "application/json",
        },
    )
    assert busy.status_code == 409
    assert busy.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    other_admin = await api.new_key()
    response = await api.client.post(
        "/graphql",
        content=raw,
        headers={
            "Authorization": f"Bearer {other_admin}",
            "Idempotency-Key": "busy",
            "content-type": "application/json",
        },
    )
    assert response.status_code == 200  # another caller's key space
    too_long = await _post(api, body, "x" * 256)
    assert too_long.status_code == 400  # type: ignore[attr-defined]


async def test_audit_log_visibility(api: Api) -> None:
    own = await create_partner(api, displayName="Own")
    other = await create_partner(api, displayName="Other")
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(own["id"])[1])
    await api.gql(
        """mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) {
        partner { id } userErrors { code } } }""",
        {"input": {"id": own["id"], "displayName": "Own Renamed"}},
        key=key,
    )
    query = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 50) {
        totalCount edges { node { operation objectType objectId actorRole changes } } } }"""
    admin_view = await api.gql(query, {"f": None})
    operations = [e["node"]["operation"] for e in admin_view["auditEvents"]["edges"]]
    assert operations[0] == "updatePartner"
    assert operations.count("createPartner") == 2
    partner_view = await api.gql(query, {"f": None}, key=key)
    objects = {e["node"]["objectId"] for e in partner_view["auditEvents"]["edges"]}
    assert objects == {own["id"]}
    renamed = next(
        e["node"]
        for e in partner_view["auditEvents"]["edges"]
        if e["node"]["operation"] == "updatePartner"
    )
    assert renamed["changes"] == {"display_name": ["Own", "Own Renamed"]}
    assert renamed["actorRole"] == "partner"
    filtered = await api.gql(query, {"f": {"object": other["id"]}})
    assert filtered["auditEvents"]["totalCount"] == 1
    mutations = await api.post("{ __schema { mutationType { fields { name } } } }")
    names = {f["name"] for f in mutations.json()["data"]["__schema"]["mutationType"]["fields"]}
    assert not any("audit" in name.lower() for name in names)  # no path changes the log


async def test_stale_versions_are_refused(api: Api) -> None:
    """Update mutations take expectedVersion and refuse a stale one (STALE_VERSION)."""
    from tests.helpers.api import CHANGE_TIER, enroll, program
    from tests.helpers.referrals import DECIDE_REFERRAL, SUBMIT, form, referrer

    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    membership = (await enroll(api, partner["id"], segment["id"]))["membership"]
    stale = await api.gql(
        CHANGE_TIER,
        {
            "input": {
                "membershipId": membership["id"],
                "tierId": segment["tiers"][1]["id"],
                "reason": "review",
                "expectedVersion": 7,
            }
        },
    )
    assert stale["changeTier"]["userErrors"][0]["code"] == "STALE_VERSION"
    fresh = await api.gql(
        CHANGE_TIER,
        {
            "input": {
                "membershipId": membership["id"],
                "tierId": segment["tiers"][1]["id"],
                "reason": "review",
                "expectedVersion": 1,
            }
        },
    )
    assert fresh["changeTier"]["membership"]["version"] == 2

    _p, key, cs = await referrer(api, "Versioned")
    referral = (
        await api.gql(SUBMIT, {"input": {"programId": cs["id"], **form("Cyberdyne")}}, key=key)
    )["submitReferral"]["referral"]
    stale_decision = await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": referral["id"], "decision": "APPROVE", "expectedVersion": 9}},
    )
    assert stale_decision["decideReferral"]["userErrors"][0]["code"] == "STALE_VERSION"
