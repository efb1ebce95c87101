"""A browser app on another origin signs its user in with a JWT and calls the API (CORS)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.api import create_partner
from tests.helpers.chromium import browser_page, chromium_binary
from tests.helpers.oidc import oidc_settings, running_issuer
from tests.helpers.servers import api_server, free_port

pytestmark = pytest.mark.anyio

PAGE = """<!doctype html><html><body><p id="out">waiting</p><script>
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const headers = {"Content-Type": "application/json"};
if (token) headers.Authorization = "Bearer " + token;
fetch("API/graphql", {method: "POST", headers: headers, body: JSON.stringify({
  query: "{ viewer { role } partners(first: 50) { edges { node { displayName } } } }"})})
  .then(r => r.json().then(body => {
    const left = r.headers.get("X-RateLimit-Remaining");
    document.getElementById("out").textContent = body.data
      ? "partners: " + body.data.partners.edges.map(e => e.node.displayName).join(",")
        + "; points left: " + left
      : "refused: " + r.status + " " + body.errors[0].extensions.code;
  }))
  .catch(e => { document.getElementById("out").textContent = "blocked: " + e; });
</script></body></html>"""


@contextmanager
def page_server(api_url: str) -> Iterator[int]:
    """The frontend's own server (another origin): serves PAGE on 127.0.0.1 and localhost."""
    html = PAGE.replace("API", api_url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


async def _shown(page: Any, url: str) -> str:
    await page.goto(url)
    text: str = await page.wait_for(
        "document.getElementById('out') && document.getElementById('out').textContent !== "
        "'waiting' && document.getElementById('out').textContent"
    )
    return text


async def test_a_page_from_another_origin_shows_the_partners_own_data(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    chromium_binary()
    mine = await create_partner(api, legalName="Mine Ltd", displayName="Mine")
    await create_partner(api, legalName="Other Ltd", displayName="Other")
    with running_issuer() as issuer:
        settings = {k: str(v) for k, v in oidc_settings(issuer).items()}
        api_port = free_port()
        with page_server(f"http://127.0.0.1:{api_port}") as page_port:
            frontend = f"http://127.0.0.1:{page_port}"
            env = {
                "DATABASE_URL": database_url,
                "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data"),
                "PARTNERGRAPH_CORS_ORIGINS": frontend,
                **settings,
            }
            token = issuer.token(partnergraph_role="partner", partnergraph_partner=mine["id"])
            with api_server(env, port=api_port) as _url:
                async with browser_page() as page:
                    shown = await _shown(page, f"{frontend}/#token={token}")
                    assert shown.startswith("partners: Mine; points left: ")
                    assert int(shown.rsplit(" ", 1)[1]) > 0  # an exposed header
                    assert await _shown(page, f"{frontend}/") == "refused: 401 UNAUTHENTICATED"
                    # the same page served from an origin that is not allowed cannot read it
                    elsewhere = f"http://localhost:{page_port}/#token={token}"
                    assert (await _shown(page, elsewhere)).startswith("blocked: TypeError")
