"""importProgramHistory through GraphQL and `partnergraph import/export` on the command line
(issue 11): admin keys only, a report of every bad row, a second import a no-op."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api.cli import build_parser
from benchmarks.history import history, write
from models import Partner, Referral
from rules.enums import ApiKeyRole
from tests.conftest import ROOT, SEED_PROGRAMS, Api

pytestmark = pytest.mark.anyio
IMPORT = """mutation($input: ImportProgramHistoryInput!) { importProgramHistory(input: $input) {
  report { dryRun files { file rows created unchanged }
    rowErrors { file line column code message } }
  userErrors { field code message } } }"""


async def _program(api: Api) -> dict[str, Any]:
    data = await api.gql("{ programs { edges { node { id slug } } } }")
    nodes: list[dict[str, Any]] = [e["node"] for e in data["programs"]["edges"]]
    return next(p for p in nodes if p["slug"] == "contentsquare")


def _files(until: Any) -> dict[str, bytes]:
    return history(partners=3, referrals=12, seed=5, until=until, generated=1)


def _input(program: dict[str, Any], files: dict[str, bytes], **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "programId": program["id"],
            "files": [
                {"name": n, "content": d.decode()} for n, d in files.items() if n.endswith(".csv")
            ],
            "attachments": [
                {"name": n, "contentBase64": base64.b64encode(d).decode()}
                for n, d in files.items()
                if not n.endswith(".csv")
            ],
            **extra,
        }
    }


async def test_import_program_history_through_graphql(api: Api) -> None:
    program = await _program(api)
    files = _files(date.today() - timedelta(days=40))
    bad = dict(files)
    bad["referrals.csv"] = files["referrals.csv"].replace(b"\n", b"\r")
    data = await api.gql(IMPORT, _input(program, bad))
    payload = data["importProgramHistory"]
    assert payload["userErrors"][0]["code"] == "ROWS_REFUSED"
    # the referrals file is refused whole, so the rows referring to it are bad too
    assert payload["report"]["rowErrors"][0] == {
        "file": "referrals.csv",
        "line": 1,
        "column": "",
        "code": "BARE_CR",
        "message": "bare CR line endings: save the file with LF or CRLF line endings",
    }
    assert {e["code"] for e in payload["report"]["rowErrors"][1:]} == {"UNKNOWN_REFERENCE"}
    # a dependant names the refused row as not imported, not as missing from the files
    assert all(
        "is refused counts as absent" in e["message"] for e in payload["report"]["rowErrors"][1:]
    )
    dry = (await api.gql(IMPORT, _input(program, files, dryRun=True)))["importProgramHistory"]
    assert dry["userErrors"] == [] and dry["report"]["dryRun"] is True
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Referral)) == 0
    first = (await api.gql(IMPORT, _input(program, files)))["importProgramHistory"]
    created = {f["file"]: f["created"] for f in first["report"]["files"]}
    assert first["userErrors"] == [] and created["referrals.csv"] == 12
    second = (await api.gql(IMPORT, _input(program, files)))["importProgramHistory"]
    assert all(f["created"] == 0 for f in second["report"]["files"])
    async with api.sessionmaker() as session:
        partner = await session.scalar(select(Partner.id).limit(1))
    partner_key = await api.new_key(ApiKeyRole.PARTNER, partner_id=partner)
    refused = await api.post(IMPORT, _input(program, files), key=partner_key)
    body = refused.json()
    assert body["data"]["importProgramHistory"]["userErrors"][0]["code"] == "FORBIDDEN"


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_import_and_export_commands(fresh_database_url: str, tmp_path: Path) -> None:
    assert _run(fresh_database_url, "db", "upgrade").returncode == 0
    assert _run(fresh_database_url, "programs", "load", *map(str, SEED_PROGRAMS)).returncode == 0
    assert _run(fresh_database_url, "templates", "sync").returncode == 0
    files = _files(date.today() - timedelta(days=40))
    source, exported = tmp_path / "source", tmp_path / "exported"
    write(files, source)
    actions: Any = build_parser()._subparsers
    help_text = actions._group_actions[0].choices["import"].format_help()
    assert "--dry-run" in help_text and "docs/import.md" in help_text
    (source / "evidence.csv").write_bytes(files["evidence.csv"].replace(b"training", b"gossip"))
    refused = _run(fresh_database_url, "import", "contentsquare", str(source))
    assert refused.returncode == 65
    assert "evidence.csv:2: kind: UNKNOWN_KIND" in refused.stderr
    (source / "evidence.csv").write_bytes(files["evidence.csv"])
    dry = _run(fresh_database_url, "import", "contentsquare", str(source), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "nothing was written" in dry.stdout
    done = _run(fresh_database_url, "import", "contentsquare", str(source))
    assert done.returncode == 0, done.stderr
    assert re.search(r"referrals.csv +12 row\(s\) +12 created", done.stdout), done.stdout
    out = _run(fresh_database_url, "export", "contentsquare", str(exported))
    assert out.returncode == 0, out.stderr
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == files
