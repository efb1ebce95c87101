"""The `partnergraph` command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import text

from models.db import make_sync_engine
from services.documents.templates import read_manifest
from tests.conftest import ROOT, SEED_PROGRAMS


def _run(
    url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_help_lists_commands() -> None:
    result = _run("sqlite:///unused.db", "--help")
    assert result.returncode == 0
    for command in ("serve", "db", "programs", "apikey", "schema"):
        assert command in result.stdout


def test_fresh_database_to_working_key(fresh_database_url: str) -> None:
    assert _run(fresh_database_url, "db", "upgrade").returncode == 0
    loaded = _run(fresh_database_url, "programs", "load", *map(str, SEED_PROGRAMS))
    assert loaded.returncode == 0, loaded.stderr
    assert "created   segment-technology" in loaded.stdout
    again = _run(fresh_database_url, "programs", "load", *map(str, SEED_PROGRAMS))
    assert "unchanged segment-technology" in again.stdout
    created = _run(fresh_database_url, "apikey", "create", "--name", "ops")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("pgk_") and " " not in token
    for _ in range(2):
        held = _run(fresh_database_url, "apikey", "create", "--email", "Ops@Example.com")
        assert held.returncode == 0, held.stderr
    engine = make_sync_engine(fresh_database_url)
    with engine.connect() as conn:
        users = conn.execute(text("SELECT email FROM users")).scalars().all()
        owned = conn.execute(text("SELECT count(*) FROM api_keys WHERE user_id IS NOT NULL"))
        assert (users, owned.scalar()) == (["ops@example.com"], 2)
    engine.dispose()
    bad_email = _run(fresh_database_url, "apikey", "create", "--email", "nobody")
    assert "INVALID_EMAIL" in bad_email.stderr
    bad_partner = _run(fresh_database_url, "apikey", "create", "--role", "partner")
    assert bad_partner.returncode == 65
    assert "PARTNER_REQUIRED" in bad_partner.stderr
    unnamed = _run(fresh_database_url, "db", "downgrade")
    assert unnamed.returncode == 2
    assert unnamed.stderr.strip() == (
        "error: db downgrade needs the target revision (e.g. 0008, or base)"
    )
    down = _run(fresh_database_url, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert "database downgraded to base" in down.stdout


def test_invalid_program_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(SEED_PROGRAMS[0].read_text().replace("[calendar]", "[calender]"))
    result = _run(f"sqlite:///{tmp_path / 'x.db'}", "programs", "check", str(broken))
    assert result.returncode == 65
    assert f"{broken}: calender: unknown key" in result.stderr
    alpine = ROOT / "tests" / "programs" / "data" / "alpine" / "alpine-distributors.toml"
    moved = tmp_path / "alpine.toml"
    moved.write_text(alpine.read_text())  # without the DOCX it names (issue 12)
    checked = _run(f"sqlite:///{tmp_path / 'x.db'}", "programs", "check", str(alpine), str(moved))
    assert checked.returncode == 65
    assert "ok        alpine-distributors" in checked.stdout
    assert f"{moved}: agreements[0].template: alpine-membership.docx cannot be read" in (
        checked.stderr
    )
    fiscal = tmp_path / "fiscal.toml"  # issue 12: a program year start not in every year
    fiscal.write_text(alpine.read_text().replace('starts_on = "04-01"', 'starts_on = "02-30"'))
    refused = _run(f"sqlite:///{tmp_path / 'x.db'}", "programs", "load", str(fiscal))
    assert refused.returncode == 65
    assert "error: INVALID_PROGRAM_FILE: nothing was loaded" in refused.stderr
    assert "program_year.starts_on: '02-30' is not a day of every year" in refused.stderr


def test_unsupported_database_url_is_a_clear_error() -> None:
    result = _run("mysql://localhost/db", "db", "upgrade")
    assert result.returncode == 2
    assert "unsupported database 'mysql'" in result.stderr


def test_apikey_help_says_how_the_key_is_printed() -> None:
    result = _run("sqlite:///unused.db", "apikey", "create", "--help")
    assert "printed on the last line" in result.stdout


def test_templates_sync_and_publish(fresh_database_url: str, tmp_path: Path) -> None:
    env_dir = {"PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    assert _run(fresh_database_url, "db", "upgrade").returncode == 0
    first = _run(fresh_database_url, "templates", "sync", env=env_dir)
    assert first.returncode == 0, first.stderr
    shipped = len(read_manifest())
    assert first.stdout.count("published") == shipped
    again = _run(fresh_database_url, "templates", "sync", env=env_dir)
    assert again.stdout.count("unchanged") == shipped
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a docx")
    refused = _run(
        fresh_database_url, "templates", "publish", "termination-notice", str(bad), env=env_dir
    )
    assert refused.returncode == 65
    assert "NOT_DOCX" in refused.stderr
    good = ROOT / "contract_templates" / "files" / "termination-notice.v1.docx"
    published = _run(
        fresh_database_url,
        "templates",
        "publish",
        "termination-notice",
        str(good),
        "--notes",
        "same text",
        env=env_dir,
    )
    assert published.returncode == 0, published.stderr
    assert "published termination-notice v3" in published.stdout


def test_tiers_rollover_dry_run(fresh_database_url: str) -> None:
    assert _run(fresh_database_url, "db", "upgrade").returncode == 0
    assert _run(fresh_database_url, "programs", "load", *map(str, SEED_PROGRAMS)).returncode == 0
    result = _run(
        fresh_database_url, "tiers", "rollover", "--year", "2027", "--program", "segment-technology"
    )
    assert result.returncode == 0, result.stderr
    assert "segment-technology 2027: 0 member(s)" in result.stdout
    assert "proposed (dry run; add --apply)" in result.stdout
    refused = _run(fresh_database_url, "tiers", "rollover", "--year", "2999", "--apply")
    assert refused.returncode == 65
    assert "has not started" in refused.stderr
    unknown = _run(fresh_database_url, "tiers", "rollover", "--year", "2027", "--program", "nope")
    assert unknown.returncode == 65


def test_version() -> None:
    result = _run("sqlite:///unused.db", "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"partnergraph {version('partnergraph')}"


def test_serve_takes_a_worker_count() -> None:
    result = _run("sqlite:///unused.db", "serve", "--help")
    assert "--workers" in result.stdout
    assert "one per core" in result.stdout


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    port = _closed_port()
    url = f"postgresql://someone:hunter2@127.0.0.1:{port}/nothing"
    for command in (("db", "upgrade"), ("serve", "--workers", "1"), ("apikey", "create")):
        result = _run(url, *command, env={"PARTNERGRAPH_DATA_DIR": str(tmp_path)})
        assert result.returncode == 69, (command, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (command, result.stderr)
        assert lines[0].startswith(
            f"error: cannot use the database postgresql://someone:***@127.0.0.1:{port}/nothing: "
        )
        assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_serving_in_production_without_a_secret_is_one_clear_line(tmp_path: Path) -> None:
    result = _run(
        f"sqlite:///{tmp_path / 'x.db'}",
        "serve",
        env={"PARTNERGRAPH_ENV": "production", "PARTNERGRAPH_SECRET_KEY": ""},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: PARTNERGRAPH_SECRET_KEY must be set in production"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_programs_load_of_a_third_program_publishes_its_docx(
    fresh_database_url: str, tmp_path: Path
) -> None:
    """Issue 12: `programs load new.toml` is enough; the DOCX the file names is published as
    the program's template (`<slug>-<kind>`), once."""
    env_dir = {"PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    alpine = ROOT / "tests" / "programs" / "data" / "alpine" / "alpine-distributors.toml"
    assert _run(fresh_database_url, "db", "upgrade").returncode == 0
    for expected in ("created  ", "unchanged"):
        loaded = _run(fresh_database_url, "programs", "load", str(alpine), env=env_dir)
        assert loaded.returncode == 0, loaded.stderr
        assert f"{expected} alpine-distributors" in loaded.stdout
    engine = make_sync_engine(fresh_database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT template_id, version, program_slug, kind FROM template_versions")
        ).all()
    engine.dispose()
    assert sorted(tuple(r) for r in rows) == [
        (
            "alpine-distributors-alpine-distributor-schedule",
            1,
            "alpine-distributors",
            "alpine-distributor-schedule",
        ),
        ("alpine-distributors-alpine-membership", 1, "alpine-distributors", "alpine-membership"),
    ]
