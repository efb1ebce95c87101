"""`partnergraph serve` (uvicorn workers after checking settings and database) and its helpers."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.log_config import configure_logging
from api.metrics import MULTIPROC_ENV
from api.settings import Settings, get_settings
from models.db import make_sync_engine


class ListenError(Exception):
    """The server's address cannot be listened on (in use, not this machine's, no right)."""


def default_workers() -> int:
    """One worker process per core."""
    return max(1, os.cpu_count() or 1)


def package_version() -> str:
    """The installed version of PartnerGraph."""
    try:
        return version("partnergraph")
    except PackageNotFoundError:
        return "unknown"


def database_problem(exc: Exception) -> str:
    """One line: which database could not be reached, and the driver's first line of why."""
    url = make_url(get_settings().database_url).render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"cannot use the database {url}: {reason[0] if reason else type(exc).__name__}"


def check_database(settings: Settings) -> None:
    """Connect once (SQLAlchemy raises OperationalError with the driver's reason)."""
    engine = make_sync_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def _metrics_folder(workers: int) -> Path | None:
    """Several workers share their Prometheus figures through files in one folder.

    A folder named in PROMETHEUS_MULTIPROC_DIR is emptied (its figures belong to processes that
    are gone); otherwise a temporary one is made for this run and removed afterwards.
    """
    if workers <= 1:
        return None
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink()
        return None
    folder = Path(tempfile.mkdtemp(prefix="partnergraph-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def serve(host: str, port: int, workers: int) -> int:
    """Serve until interrupted; configuration and database problems are raised before."""
    import uvicorn

    from api.worker_sockets import balanced, run_workers

    settings = get_settings()
    settings.check()
    check_database(settings)
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    made = _metrics_folder(workers)
    try:
        options: dict[str, Any] = {
            "factory": True,
            "host": host,
            "port": port,
            "workers": workers,
            "log_level": settings.log_level,
            "log_config": None,
            "access_log": False,  # api.request_telemetry logs one line per request
        }
        if workers > 1 and balanced():
            with contextlib.suppress(KeyboardInterrupt):
                run_workers(uvicorn.Config("api.app:serve_app", **options))
        else:
            uvicorn.run("api.app:serve_app", **options)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    return 0
