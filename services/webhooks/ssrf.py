"""Refusing outbound URLs that point inside the network (SSRF), and pinning the checked address.

A webhook host is resolved once; every address it resolves to must be public (`is_global`, and
none of the explicit non-public ranges below, which include the shared address space
100.64.0.0/10 and IPv6 forms that embed an IPv4 address). The request then goes to the address
that was checked (`Target.ip`), with the original Host header and TLS server name, so a second
DNS answer (rebinding) cannot redirect it. Loopback (`allow_loopback`) and every private range
(`allow_private`) can be allowed for development and tests only.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "100::/64",
        "2001:db8::/32",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@dataclass(frozen=True)
class Target:
    """Where to connect: the checked IP, and the host and port of the URL."""

    ip: str
    host: str
    port: int


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 IPv6 address."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why a webhook may not be sent to `address`, or None when it is public."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return address_problem(inner, allow_loopback=allow_loopback)
    if allow_loopback and any(address in net for net in LOOPBACK):
        return None
    if not address.is_global or any(address in net for net in BLOCKED):
        return f"non-public address ({address})"
    return None


def resolve(
    url: str, *, allow_private: bool, allow_loopback: bool = False
) -> tuple[Target | None, str | None]:
    """Resolve the URL's host once and check every address: (target, None), or (None, why)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, "the URL must be http(s) with a host"
    if parts.username or parts.password:
        return None, "the URL must not carry credentials"
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return None, f"{parts.hostname} does not resolve"
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        return None, f"{parts.hostname} does not resolve"
    if not allow_private:
        for address in addresses:
            problem = address_problem(address, allow_loopback=allow_loopback)
            if problem is not None:
                return None, f"{parts.hostname} resolves to a {problem}"
    return Target(ip=str(addresses[0]), host=parts.hostname, port=port), None


def url_problem(url: str, *, allow_private: bool, allow_loopback: bool = False) -> str | None:
    """Why `url` may not receive webhooks, or None when it may (see `resolve`)."""
    return resolve(url, allow_private=allow_private, allow_loopback=allow_loopback)[1]


def pinned_url(url: str, target: Target) -> tuple[str, dict[str, str]]:
    """The URL with its host replaced by the checked IP, and the Host header to send."""
    parts = urlsplit(url)
    ip = f"[{target.ip}]" if ":" in target.ip else target.ip
    netloc = f"{ip}:{target.port}"
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=netloc).geturl(), {"host": host}
