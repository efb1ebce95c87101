"""One log line per request (JSON in production), and errorIds for unexpected errors."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from api import request_telemetry
from api.log_config import configure_logging
from api.settings import Settings
from tests.conftest import Api

pytestmark = pytest.mark.anyio

BAD_NODE = '{ node(id: "x") { id } }'
JSON = "application/json"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines into a buffer, as in production."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging(json_lines=True, level="info", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_uvicorns_access_log_stays_silent() -> None:
    """A server worker configures logging after uvicorn did (`serve --workers`); uvicorn's
    protocols then write an access line whenever `uvicorn.access` has a handler, ancestors
    included: none, so a request logs only its own line (api.request_telemetry). Checked in a
    fresh interpreter: pytest hangs its own capture handlers on loggers."""
    probe = (
        "import io, logging\n"
        "from api.log_config import configure_logging\n"
        "stream = io.StringIO()\n"
        "configure_logging(json_lines=True, level='info', stream=stream)\n"
        "access = logging.getLogger('uvicorn.access')\n"
        "access.warning('GET / HTTP/1.1 200')\n"
        "logging.getLogger('uvicorn.error').warning('kept')\n"
        "text = stream.getvalue()\n"
        "print(access.hasHandlers(), text.count('GET /'), 'kept' in text)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "0", "True"]


def _lines(stream: io.StringIO, logger: str) -> list[dict[str, Any]]:
    parsed = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [entry for entry in parsed if entry["logger"] == logger]


async def test_each_request_logs_one_json_line(api: Api, log_stream: io.StringIO) -> None:
    await api.gql("query Who { viewer { role } }")
    missing = await api.client.post("/graphql", json={"query": "{ viewer { role } }"})
    assert missing.status_code == 401
    health = await api.client.get("/healthz", headers={"X-Request-Id": "probe-1"})
    assert health.headers["x-request-id"] == "probe-1"
    lines = _lines(log_stream, "partnergraph.request")
    assert len(lines) == 3
    who, refused, probe = lines
    prefix = api.admin_key.split("_")[1]
    assert who["operation"] == "Who"
    assert who["key_prefix"] == prefix
    assert api.admin_key.split("_", 2)[2] not in json.dumps(lines)  # never the secret
    assert who["outcome"] == "ok" and who["status"] == 200
    assert isinstance(who["cost"], int) and who["cost"] >= 1
    assert isinstance(who["duration_ms"], float)
    assert len(who["request_id"]) == 32 and who["level"] == "INFO"
    assert refused["outcome"] == "unauthenticated" and refused["key_prefix"] == ""
    assert probe["request_id"] == "probe-1" and probe["path"] == "/healthz"


async def test_graphql_errors_are_logged_with_their_error_id(
    api: Api, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from schema.partners import queries

    def explode(*_args: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "partners_query", explode)
    response = await api.post("{ partners { totalCount } }")
    error_id = response.json()["errors"][0]["extensions"]["errorId"]
    (logged,) = _lines(log_stream, "partnergraph.errors")
    (request,) = _lines(log_stream, "partnergraph.request")
    assert logged["errorId"] == error_id and logged["level"] == "ERROR"
    assert "secret internals" in logged["exc_info"]
    assert logged["request_id"] == request["request_id"]
    assert request["outcome"] == "error"


async def test_a_crash_outside_graphql_is_logged_with_its_error_id(
    api: Api, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api import documents

    def crash(*_args: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(documents, "expect_id", crash)
    response = await api.client.get("/documents/anything")
    assert response.status_code == 500
    error_id = response.json()["error"]["errorId"]
    assert "disk on fire" not in response.text
    (logged,) = _lines(log_stream, "partnergraph.errors")
    assert logged["errorId"] == error_id
    assert "disk on fire" in logged["exc_info"]
    (request,) = _lines(log_stream, "partnergraph.request")
    assert request["outcome"] == "error" and request["status"] == 500
    assert logged["request_id"] == request["request_id"]


def test_text_logs_are_the_development_default() -> None:
    assert not Settings().json_logs
    assert Settings(PARTNERGRAPH_ENV="production", PARTNERGRAPH_SECRET_KEY="k").json_logs
    assert Settings(PARTNERGRAPH_LOG_FORMAT="json").json_logs


async def test_the_log_line_reads_the_answer_without_decoding_its_body(
    api: Api, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view leaves its answer's errors and cost for the log line (issue 14: every
    response body was decoded again), a cache hit too; the outcome and cost are the same."""
    decoded: list[bytes] = []

    def loads(raw: bytes | bytearray | str) -> Any:
        decoded.append(bytes(raw) if not isinstance(raw, str) else raw.encode())
        return json.loads(raw)

    monkeypatch.setattr(request_telemetry, "json", SimpleNamespace(loads=loads))
    query = "query Names { partners(first: 5) { nodes { id } } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    apq = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    extensions = {"extensions": apq}
    headers = {"Authorization": f"Bearer {api.admin_key}"}
    get = {"params": {"extensions": json.dumps(apq)}, "headers": {**headers, "Accept": JSON}}
    answers = [
        await api.client.post("/graphql", json={"query": query}, headers=headers),
        await api.client.post("/graphql", json={"query": BAD_NODE}, headers=headers),
        await api.client.post(
            "/graphql", json={"query": query, "extensions": apq}, headers=headers
        ),
        await api.client.post("/graphql", json=extensions, headers=headers),
        await api.client.get("/graphql", **get),  # type: ignore[arg-type]
        await api.client.get("/graphql", **get),  # type: ignore[arg-type]
    ]
    cached = [a.headers.get("x-cache") for a in answers]
    assert cached == [None, None, "miss", "hit", "miss", "hit"], answers[4].text
    assert not [a for a in answers if a.content in decoded]
    ok, failed, *persisted = _lines(log_stream, "partnergraph.request")
    assert failed["outcome"] == "graphql_error"
    cost = answers[0].json()["extensions"]["cost"]["requested"]
    assert [(line["outcome"], line["cost"]) for line in [ok, *persisted]] == [("ok", cost)] * 5
