"""DOCX to PDF through a bounded pool of warm LibreOffice processes (unoserver).

Each worker is one `unoserver` process (an XML-RPC front of one headless LibreOffice) with its
own profile directory and ports on loopback, started on first use and kept warm. At most `size`
conversions run at once; up to `queue_limit` more wait (a caller beyond that gets
`PdfBusyError` at once); each conversion has a timeout, after which its worker is restarted.

unoserver's server needs LibreOffice's Python UNO bridge (`import uno`), which lives in the
system Python (`python3-uno` on Debian) rather than in our virtualenv: the worker runs that
interpreter with only the unoserver package put on its path.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue

UNO_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")


class PdfUnavailableError(Exception):
    """LibreOffice (with its Python UNO bridge) is not installed on this server."""


class PdfConversionError(Exception):
    """LibreOffice could not convert the document in time."""


class PdfBusyError(Exception):
    """Too many conversions are waiting; try again later."""


def find_soffice(configured: str | None = None) -> str | None:
    """The LibreOffice binary to use, or None."""
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def find_uno_python(configured: str | None = None) -> str | None:
    """An interpreter that can `import uno`, or None."""
    for candidate in (configured, *UNO_PYTHONS):
        if candidate and Path(candidate).exists():
            probe = subprocess.run(  # noqa: S603 (a fixed interpreter path)
                [candidate, "-c", "import uno"], capture_output=True, check=False, timeout=30
            )
            if probe.returncode == 0:
                return candidate
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Transport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: object) -> object:  # type: ignore[override]
        connection = super().make_connection(host)  # type: ignore[arg-type]
        connection.timeout = self.timeout
        return connection


WATCHED_UNOSERVER = """
import os, runpy, shutil, signal, sys, threading

def watch():
    sys.stdin.buffer.read()  # end of file: the server that started this worker is gone
    shutil.rmtree(os.environ["HOME"], ignore_errors=True)  # the worker's own folder
    os.killpg(0, signal.SIGKILL)  # LibreOffice ignores SIGTERM while unoserver waits on it

threading.Thread(target=watch, daemon=True).start()
sys.argv[0] = "unoserver.server"
runpy.run_module("unoserver.server", run_name="__main__", alter_sys=True)
"""
"""unoserver, stopped with its LibreOffice (its process group, killed: nothing of a throwaway
profile is worth keeping) and its folder removed when the pipe from the server that started it
closes: also when that server is killed and cannot stop its workers."""


@dataclass
class _Worker:
    """One warm unoserver + LibreOffice, with its own profile and ports."""

    python: str
    soffice: str
    root: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    conversions: int = 0

    def start(self, timeout: float) -> None:
        self.stop()
        self.port, uno_port = _free_port(), _free_port()
        spec = importlib.util.find_spec("unoserver")
        assert spec is not None and spec.submodule_search_locations
        package = Path(next(iter(spec.submodule_search_locations)))
        path_dir = self.root / "pythonpath"
        path_dir.mkdir(parents=True, exist_ok=True)
        for source in (package, *package.parent.glob("unoserver-*.dist-info")):
            link = path_dir / source.name  # the package and its metadata, nothing else
            if not link.exists():
                link.symlink_to(source, target_is_directory=True)
        profile = self.root / "profile"
        self.process = subprocess.Popen(  # noqa: S603 (fixed interpreter and arguments)
            [
                self.python,
                "-c",
                WATCHED_UNOSERVER,
                "--interface=127.0.0.1",
                "--uno-interface=127.0.0.1",
                f"--port={self.port}",
                f"--uno-port={uno_port}",
                f"--executable={self.soffice}",
                f"--user-installation={profile}",
                f"--conversion-timeout={int(timeout)}",
                "--quiet",
            ],
            env={**os.environ, "PYTHONPATH": str(path_dir), "HOME": str(self.root)},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + max(timeout, 60)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PdfConversionError("LibreOffice (unoserver) exited while starting")
            try:
                self._proxy(5).info()
                return
            except (OSError, xmlrpc.client.Error):
                time.sleep(0.25)
        self.stop()
        raise PdfConversionError("LibreOffice (unoserver) did not start in time")

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}", transport=_Transport(timeout), allow_none=True
        )

    def convert(self, docx: bytes, timeout: float) -> bytes:
        if self.process is None or self.process.poll() is not None:
            self.start(timeout)
        result = self._proxy(timeout).convert(
            None, xmlrpc.client.Binary(docx), None, "pdf", None, [], True, None, None
        )
        self.conversions += 1
        data = result.data if isinstance(result, xmlrpc.client.Binary) else result
        if not isinstance(data, bytes) or not data.startswith(b"%PDF"):
            raise PdfConversionError("LibreOffice returned no PDF")
        return data

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None and self.process.stdin is not None:
            self.process.stdin.close()
        self.process = None


@dataclass
class PdfPool:
    """A bounded pool of warm converters, shared by every request of a server process."""

    soffice: str
    python: str
    size: int = 2
    queue_limit: int = 16
    timeout: float = 60.0
    _idle: Queue[_Worker] = field(init=False, repr=False)
    _waiting: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _root: Path = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="partnergraph-pdf-pool-"))
        self._idle = Queue()
        for index in range(self.size):
            self._idle.put(_Worker(self.python, self.soffice, self._root / f"worker-{index}"))

    def convert(self, docx: bytes) -> bytes:
        """The PDF of a DOCX (blocking: call it from a worker thread)."""
        with self._lock:
            if self._waiting >= self.size + self.queue_limit:
                raise PdfBusyError(
                    f"{self.queue_limit} PDF conversions are already waiting; try again shortly"
                )
            self._waiting += 1
        try:
            try:
                worker = self._idle.get(timeout=self.timeout)
            except Empty as exc:
                raise PdfConversionError("no LibreOffice worker became free in time") from exc
            try:
                return worker.convert(docx, self.timeout)
            except (OSError, xmlrpc.client.Error) as exc:
                worker.stop()  # restarted on its next conversion
                raise PdfConversionError(f"LibreOffice failed: {exc}") from exc
            finally:
                self._idle.put(worker)
        finally:
            with self._lock:
                self._waiting -= 1

    def close(self) -> None:
        """Stop every worker and remove their profiles."""
        workers = []
        while True:
            try:
                workers.append(self._idle.get_nowait())
            except Empty:
                break
        for worker in workers:
            worker.stop()
        shutil.rmtree(self._root, ignore_errors=True)
