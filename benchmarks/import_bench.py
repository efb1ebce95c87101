"""Benchmark: import a generated program history (benchmarks/history.py) into a fresh database.

Usage: `make bench`, or `python -m benchmarks.import_bench --partners 10000 --referrals 100000`.
With PARTNERGRAPH_BENCH_DATABASE_URL (a PostgreSQL server URL, e.g.
postgresql://postgres@127.0.0.1:5432/postgres) a throwaway database is created there and
dropped afterwards; without it, a temporary SQLite file. Prints the seconds the import took
(checks, batched inserts, ledger recomputation) and the rows per second; not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from benchmarks.history import history
from models import migrate
from models.db import make_async_engine, make_sessionmaker
from models.documents.blobs import LocalBlobStore
from services.actor import SYSTEM
from services.documents.templates import sync_shipped
from services.imports.history import analyze, import_history
from services.programs.loader import load_program_files

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def _database(folder: Path) -> Iterator[str]:
    server = os.environ.get("PARTNERGRAPH_BENCH_DATABASE_URL")
    if not server:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"partnergraph_bench_{uuid.uuid4().hex[:8]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def _run(url: str, folder: Path, files: dict[str, bytes]) -> float:
    engine = make_async_engine(url)
    sessionmaker = make_sessionmaker(engine)
    store = LocalBlobStore(folder / "blobs")
    try:
        await load_program_files(sessionmaker, [ROOT / "programs" / "contentsquare.toml"])
        async with sessionmaker.begin() as session:
            await sync_shipped(session, store, SYSTEM)
        csvs = {n: d for n, d in files.items() if n.endswith(".csv")}
        started = time.perf_counter()
        async with sessionmaker.begin() as session:
            await import_history(
                session,
                SYSTEM,
                store,
                program_slug="contentsquare",
                files=csvs,
                attachments=files.get,
            )
        async with sessionmaker.begin() as session:
            await analyze(session)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


def main() -> int:
    """Generate, import, print the time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--referrals", type=int, default=100_000)
    args = parser.parse_args()
    files = history(args.partners, args.referrals)
    rows = sum(d.count(b"\n") - 1 for n, d in files.items() if n.endswith(".csv"))
    with tempfile.TemporaryDirectory() as tmp, _database(Path(tmp)) as url:
        migrate.upgrade(url)
        seconds = asyncio.run(_run(url, Path(tmp), files))
    backend = make_url(url).get_backend_name()
    print(
        f"import of {args.partners} partners, {args.referrals} referrals ({rows} rows) "
        f"on {backend}: {seconds:.1f} s ({rows / seconds:.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
