"""The pool of LibreOffice workers: none outlives the server that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.documents.test_documents import _tools_or_fail

ROOT = Path(__file__).resolve().parents[2]
STARTED = """
import sys, time
from services.documents.pdf_pool import PdfPool
pool = PdfPool(soffice=sys.argv[1], python=sys.argv[2], size=1, timeout=120)
worker = pool._idle.get()
worker.start(120)
print(worker.process.pid, worker.root, flush=True)
time.sleep(600)
"""


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_server_leaves_no_libreoffice_running() -> None:
    """A server killed outright (SIGKILL: no atexit, no pool.close) used to leave its
    unoserver and LibreOffice running for good; they now stop when its pipe closes."""
    soffice, python = _tools_or_fail()
    server = subprocess.Popen(
        [sys.executable, "-c", STARTED, soffice, python],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert server.stdout is not None
    pid, folder = server.stdout.readline().decode().split()
    group = os.getpgid(int(pid))
    try:
        assert _alive(group)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 30
        while _alive(group) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(group), "unoserver or LibreOffice outlived the killed server"
        assert not Path(folder).exists(), "the worker's profile was left behind"
    finally:
        if _alive(group):
            os.killpg(group, signal.SIGKILL)
