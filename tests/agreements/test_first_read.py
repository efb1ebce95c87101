"""A signature's first read (services/agreements/first_read.py): partner, program, agreement,
template and webhook endpoints in one statement; the events go to the endpoints read there."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.accept import ACCEPT
from models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from schema.ids import decode_id
from services.agreements.first_read import first_read
from tests.conftest import Api
from tests.helpers.agreements import SIGNER
from tests.helpers.api import create_partner, program

pytestmark = pytest.mark.anyio


def _endpoint(partner_id: uuid.UUID | None) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=uuid.uuid4(),
        partner_id=partner_id,
        url="https://hooks.example.com/",
        event_types=["agreement.accepted"],
        secret="s" * 32,
    )


async def test_the_endpoints_are_read_with_the_partner_and_get_the_events(
    api: Api, engine: AsyncEngine
) -> None:
    segment = await program(api, "segment-technology")
    acme = await create_partner(api, displayName="Acme", legalName="Acme Inc.")
    globex = await create_partner(api, displayName="Globex", legalName="Globex Inc.")
    acme_id, globex_id = decode_id(acme["id"])[1], decode_id(globex["id"])[1]
    everyone, own, other = _endpoint(None), _endpoint(acme_id), _endpoint(globex_id)
    async with api.sessionmaker.begin() as session:
        session.add_all([everyone, own, other])
    reads: list[str] = []
    agreements: list[str] = []

    def note(*args: object) -> None:
        if "FROM webhook_endpoints" in str(args[2]) or "JOIN webhook_endpoints" in str(args[2]):
            reads.append(str(args[2]))
        if "FROM agreements" in str(args[2]):
            agreements.append(str(args[2]))

    variables = {
        "input": {
            "programId": segment["id"],
            "partnerId": acme["id"],
            "kind": "segment-program-agreement",
            "signer": SIGNER,
        }
    }
    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        data = (await api.gql(ACCEPT, variables))["acceptAgreement"]
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert data["userErrors"] == []
    assert len(reads) == 1 and "FROM partners" in reads[0] and "template_versions" in reads[0]
    assert agreements == reads  # the agreement is read (and locked) there too
    if engine.dialect.name == "postgresql":
        assert "FOR UPDATE" in reads[0]
    async with api.sessionmaker() as session:
        found = await session.execute(
            select(WebhookDelivery.endpoint_id)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
            .where(OutboxEvent.event_type == "agreement.accepted")
        )
        assert sorted(map(str, found.scalars())) == sorted(map(str, [everyone.id, own.id]))
        again = await first_read(
            session, acme_id, decode_id(segment["id"])[1], "segment-program-agreement"
        )
        assert again is not None and again.template is not None and again.agreement is not None
        assert again.template.version == data["acceptance"]["templateVersion"]
        assert again.membership is not None and again.membership.partner_id == acme_id
        missing = await first_read(session, acme_id, uuid.uuid4(), "segment-program-agreement")
        assert missing is None
