"""Refusing outbound URLs that point inside the network (SSRF)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why `url` may not receive webhooks, or None when it may.

    Only http(s) URLs with a host are accepted; unless `allow_private` (a development setting),
    every address the host resolves to must be public: loopback, private, link-local,
    multicast, reserved and unspecified addresses are refused.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the URL must be http(s) with a host"
    if parts.username or parts.password:
        return "the URL must not carry credentials"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return f"{parts.hostname} does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            return f"{parts.hostname} resolves to a non-public address ({address})"
    return None
