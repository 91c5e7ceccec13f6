"""Serving the built dataset read-only over the SPARQL 1.1 Protocol with the Oxigraph server.

The build is loaded once into an on-disk Oxigraph database beside it
(``data/build/oxigraph/``, rebuilt when the build changes), which
``oxigraph serve-read-only`` then serves on 127.0.0.1 with the union of the named
graphs as the default graph. The server has no update endpoint.

>>> with Server(Paths.default()) as endpoint:     # doctest: +SKIP
...     ropakg.connect(endpoint).query("controllers")
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ropakg.errors import BuildMissing, RopaError
from ropakg.paths import Paths

HOST = "127.0.0.1"
STARTUP_SECONDS = 30


def oxigraph_binary() -> str:
    """The ``oxigraph`` server command installed with the project (PyPI package ``oxigraph``)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise RopaError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


def oxigraph_version() -> str:
    """``oxigraph 0.5.13`` or the like: the server command's own version line."""
    proc = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True, timeout=30, check=False)
    return proc.stdout.strip() or "oxigraph (unknown version)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def database(paths: Paths) -> Path:
    """The on-disk Oxigraph database of the current build, (re)loaded when stale."""
    if not paths.dataset.exists():
        raise BuildMissing("no build yet: run `ropa build`", file=paths.dataset)
    digest = hashlib.sha256(paths.dataset.read_bytes()).hexdigest()
    location = paths.build_dir / "oxigraph"
    stamp = location / ".ropa-build-sha256"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return location
    staging = paths.build_dir / ".oxigraph-loading"
    shutil.rmtree(staging, ignore_errors=True)
    proc = subprocess.run(
        [oxigraph_binary(), "load", "--location", str(staging), "--file", str(paths.dataset)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise RopaError(f"oxigraph load failed: {proc.stderr.strip().splitlines()[-1:]}", file=paths.dataset)
    (staging / ".ropa-build-sha256").write_text(digest)
    shutil.rmtree(location, ignore_errors=True)
    staging.rename(location)
    return location


def command(location: Path, port: int, host: str = HOST, timeout_s: int = 30) -> list[str]:
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(timeout_s),
    ]


def end_process(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Terminate a child server if it still runs, killing it after ``timeout`` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes] | None = None, seconds: float = STARTUP_SECONDS) -> None:
    """Poll a SPARQL endpoint until it answers (or the server process dies)."""
    deadline = time.monotonic() + seconds
    probe = url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RopaError(f"the SPARQL server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RopaError(f"the SPARQL server did not answer at {url} within {seconds:.0f} s")


class Server:
    """A read-only SPARQL endpoint over the build, for the length of a ``with`` block."""

    def __init__(self, paths: Paths, port: int | None = None, host: str = HOST, timeout_s: int = 30) -> None:
        self.paths = paths
        self.host = host
        self.timeout_s = timeout_s
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/query"

    def start(self) -> str:
        location = database(self.paths)
        self.process = subprocess.Popen(
            command(location, self.port, self.host, self.timeout_s),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(self.endpoint, self.process)
        except RopaError:
            self.stop()
            raise
        return self.endpoint

    def stop(self) -> None:
        end_process(self.process, 10)
        self.process = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Oxigraph:
    """An Oxigraph server that accepts updates (``oxigraph serve``), on loopback, with a
    fresh database in a temporary directory, for the length of a ``with`` block.

    ``endpoint`` answers queries over the union of the named graphs; ``graph_store``
    takes Graph Store Protocol uploads (no authentication: keep it on loopback).
    """

    def __init__(self, host: str = HOST, timeout_s: int = 300) -> None:
        self.host = host
        self.port = free_port()
        self.timeout_s = timeout_s
        self.directory: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/query"

    @property
    def graph_store(self) -> str:
        return f"http://{self.host}:{self.port}/store"

    def start(self) -> str:
        self.directory = Path(tempfile.mkdtemp(prefix="ropa-oxigraph-"))
        self.process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(self.directory),
                "--bind",
                f"{self.host}:{self.port}",
                "--union-default-graph",
                "--timeout-s",
                str(self.timeout_s),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(self.endpoint, self.process)
        except RopaError:
            self.stop()
            raise
        return self.endpoint

    def stop(self) -> None:
        end_process(self.process, 30)
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> Oxigraph:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(paths: Paths | None = None, port: int | None = None) -> Server:
    """Start a read-only SPARQL endpoint over the build and return it (call ``stop()``).

    >>> server = ropakg.serve()          # doctest: +SKIP
    >>> server.endpoint                  # doctest: +SKIP
    'http://127.0.0.1:41234/query'
    """
    server = Server(paths or Paths.default(), port)
    server.start()
    return server
