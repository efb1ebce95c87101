"""A loopback OpenID Connect issuer for tests: discovery document, JWKS and token signing."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "partnergraph-api"


class Issuer:
    """Signing keys made by the test; the published JWKS can be rotated at will."""

    def __init__(self) -> None:
        self.url = ""
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.jwks_requests = 0
        self.rotate()

    def rotate(self, keep_old: bool = False) -> str:
        """Make a new signing key and publish it (alone, unless `keep_old`)."""
        kid = uuid.uuid4().hex[:12]
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published = [*self.published, kid] if keep_old else [kid]
        return kid

    @property
    def current(self) -> str:
        return self.published[-1]

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            jwk = json.loads(RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": keys}

    def token(self, kid: str | None = None, lifetime: int = 300, **claims: Any) -> str:
        """A signed access token; `claims` override or add to the standard ones."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "user-1",
            "iat": now,
            "exp": now + lifetime,
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        chosen = kid or self.current
        return jwt.encode(body, self.keys[chosen], algorithm="RS256", headers={"kid": chosen})


@contextmanager
def running_issuer() -> Iterator[Issuer]:
    """An issuer served on 127.0.0.1 (discovery at /.well-known/openid-configuration)."""
    issuer = Issuer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/.well-known/openid-configuration":
                body = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks.json"}
            elif self.path == "/jwks.json":
                issuer.jwks_requests += 1
                body = issuer.jwks()
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    issuer.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()


def oidc_settings(issuer: Issuer) -> dict[str, Any]:
    """App settings that accept the issuer's tokens (JWKS found by discovery)."""
    return {"PARTNERGRAPH_OIDC_ISSUER": issuer.url, "PARTNERGRAPH_OIDC_AUDIENCE": AUDIENCE}
