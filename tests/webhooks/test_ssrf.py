"""SSRF guard: every non-public range refused, one resolution, the checked IP connected to.

Everything here stays on loopback: other addresses are only ever fake DNS answers, refused
before any connection, or loopback addresses with no server."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from models import OutboxEvent, WebhookEndpoint
from services.webhooks.delivery import _attempt
from services.webhooks.policy import DeliveryPolicy
from services.webhooks.ssrf import address_problem, resolve, url_problem
from tests.helpers.webhooks import Receiver, serve_receiver

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.mark.parametrize(
    "address",
    [
        "100.64.0.1",  # shared address space: is_private is False for it
        "100.127.255.254",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "127.0.0.1",
        "0.0.0.0",  # noqa: S104
        "192.0.0.8",
        "198.18.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "ff02::1",
        "::ffff:10.0.0.1",  # IPv4-mapped private
        "::ffff:100.64.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:db8::1",
    ],
)
def test_every_non_public_address_is_refused(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is not None
    assert url_problem(f"http://{_host(address)}/x", allow_private=False) is not None


def test_public_addresses_pass_and_loopback_only_by_setting() -> None:
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "1.1.1.1"):
        assert address_problem(ipaddress.ip_address(address)) is None
    assert url_problem("http://100.64.0.1/x", allow_private=False) is not None
    assert url_problem("http://127.0.0.1:9/x", allow_private=False, allow_loopback=True) is None
    assert url_problem("http://10.0.0.1/x", allow_private=False, allow_loopback=True) is not None
    assert url_problem("http://[::ffff:127.0.0.1]/x", allow_private=False, allow_loopback=True) is (
        None
    )


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


class FakeDns:
    """getaddrinfo with canned answers for made-up names (IP literals go to the real one)."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers, self.calls = answers, 0

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.calls += 1
        ip = self.answers[host][min(self.calls, len(self.answers[host])) - 1]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, int(port or 0)))]


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns({})
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    return dns


def test_a_hostname_resolving_to_a_private_address_is_refused(fake_dns: FakeDns) -> None:
    fake_dns.answers["internal.test"] = ["10.0.0.5"]
    fake_dns.answers["mixed.test"] = ["93.184.215.14", "100.64.0.9"]  # one bad answer is enough
    assert "non-public" in str(url_problem("https://internal.test/h", allow_private=False))
    assert "non-public" in str(url_problem("https://mixed.test/h", allow_private=False))
    target, problem = resolve("https://mixed.test/h", allow_private=False)
    assert target is None and problem is not None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve_receiver() as box:
        yield box


@pytest.mark.anyio
async def test_the_connection_goes_to_the_checked_address(
    fake_dns: FakeDns, receiver: Receiver
) -> None:
    """A rebinding name answers 127.0.0.1 first, then 127.0.0.2 (no server there): the request
    reaches the receiver on the first answer, with the original Host header, and the name is
    resolved exactly once."""
    port = receiver.url.split(":")[2].split("/")[0]
    fake_dns.answers["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        url=f"http://rebind.test:{port}/hooks",
        event_types=["tier.changed"],
        secret="whsec_" + "A" * 32,
        enabled=True,
    )
    event = OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", payload={"type": "x"})
    policy = DeliveryPolicy(allow_loopback=True, timeout_seconds=5)
    async with httpx.AsyncClient() as client:
        outcome = await _attempt(client, policy, endpoint, event)
    assert outcome.ok, outcome
    assert fake_dns.calls == 1
    headers, _body = receiver.received[0]
    assert headers["host"] == f"rebind.test:{port}"
    refused = DeliveryPolicy(timeout_seconds=5)  # loopback not allowed: refused, not sent
    async with httpx.AsyncClient() as client:
        outcome = await _attempt(client, refused, endpoint, event)
    assert not outcome.ok and "non-public" in str(outcome.error)
    assert len(receiver.received) == 1
