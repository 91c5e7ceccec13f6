"""A throw-away Virtuoso Open Source server on loopback, for tests and benchmarks.

:class:`Virtuoso` writes a ``virtuoso.ini`` into a temporary directory (database,
transaction log and settings all live there), starts ``virtuoso-t -f`` on two free
loopback ports (SQL and HTTP), waits until its SPARQL endpoint answers, sets a random
``dba`` password, and removes everything on ``stop()``. Virtuoso comes from the Debian
package ``virtuoso-opensource`` (``apt-get install virtuoso-opensource``).

>>> with Virtuoso() as v:                                        # doctest: +SKIP
...     ropakg.graphstore.push(kg.store, v.graph_store, user=v.user, password=v.password)
...     ropakg.connect(v.endpoint).query("controllers")

Endpoints: ``/sparql`` (SPARQL 1.1 Protocol, read-only for the anonymous user; the
default graph is the union of all graphs) and ``/sparql-graph-crud-auth`` (Graph Store
Protocol, HTTP Digest authentication as ``dba``).
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from ropakg.errors import RopaError
from ropakg.server import HOST, end_process, free_port, wait_until_up

STARTUP_SECONDS = 120
BUFFER_BYTES = 8192  # one Virtuoso buffer (database page)

INI = """\
; Written by ropakg.virtuoso for a temporary database; see docs/servers.md.
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort        = {host}:{sql_port}
DisableUnixSocket = 1
CaseMode          = 2
DirsAllowed       = ., {dir}
NumberOfBuffers   = {buffers}
MaxDirtyBuffers   = {dirty}
CheckpointInterval = 0
MaxQueryMem       = 1G
ThreadsPerQuery   = 2

[HTTPServer]
ServerPort    = {host}:{http_port}
ServerRoot    = {dir}
ServerThreads = 4
Charset       = UTF-8
MaxClientConnections = 8

[SPARQL]
; The answers are compared with the embedded store's: no row cap, no partial
; ("anytime") answers, no cost-estimate refusals.
ResultSetMaxRows           = {max_rows}
MaxSortedTopRows           = {max_rows}
MaxQueryExecutionTime      = {timeout_s}
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str | None:
    """The ``virtuoso-t`` server of the Debian package, or None when not installed."""
    return shutil.which("virtuoso-t")


def virtuoso_version() -> str | None:
    """``7.2.5.3229`` or the like, from ``virtuoso-t -?``; None when not installed."""
    binary = virtuoso_binary()
    if binary is None:
        return None
    proc = subprocess.run([binary, "-?"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r"Version (\S+?)(?:-|\s)", proc.stdout + proc.stderr)
    return found.group(1) if found else "unknown"


class Virtuoso:
    """A Virtuoso server with a fresh database, for the length of a ``with`` block.

    ``memory_mb`` sizes the page buffers (about two thirds of Virtuoso's memory goes
    there); ``max_rows`` is the largest result it returns (``ResultSetMaxRows``);
    ``timeout_s`` is its query time limit (0 = none).
    """

    user = "dba"

    def __init__(
        self, *, memory_mb: int = 256, max_rows: int = 10_000_000, timeout_s: int = 0, host: str = HOST
    ) -> None:
        self.host = host
        self.memory_mb = memory_mb
        self.max_rows = max_rows
        self.timeout_s = timeout_s
        self.sql_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        self.password = "dba"  # the factory default, replaced once the server is up
        self.directory: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The SPARQL 1.1 Protocol endpoint (queries)."""
        return f"http://{self.host}:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that accepts updates (HTTP Digest, ``dba``)."""
        return f"http://{self.host}:{self.http_port}/sparql-graph-crud-auth"

    def ini(self, directory: Path) -> str:
        buffers = max(2000, self.memory_mb * 1024 * 1024 * 2 // 3 // BUFFER_BYTES)
        return INI.format(
            dir=directory,
            host=self.host,
            sql_port=self.sql_port,
            http_port=self.http_port,
            buffers=buffers,
            dirty=buffers * 3 // 4,
            max_rows=self.max_rows,
            timeout_s=self.timeout_s,
        )

    def start(self) -> str:
        binary = virtuoso_binary()
        if binary is None:
            raise RopaError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        self.directory = Path(tempfile.mkdtemp(prefix="ropa-virtuoso-"))
        (self.directory / "virtuoso.ini").write_text(self.ini(self.directory), "utf-8")
        self.process = subprocess.Popen(
            [binary, "-f", "-c", "virtuoso.ini"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(self.endpoint, self.process, STARTUP_SECONDS)
            self._new_password()
        except RopaError as exc:
            log = self.log_tail()
            self.stop()
            raise RopaError(f"{exc}{': ' + log if log else ''}") from None
        return self.endpoint

    def _new_password(self) -> None:
        """Replace the factory ``dba`` password by a random one (with ``isql-vt``)."""
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            return  # the loopback-only server keeps the factory password
        new = secrets.token_hex(12)
        sql = f"USER_CHANGE_PASSWORD('dba', '{self.password}', '{new}');"
        proc = subprocess.run(
            [isql, f"{self.host}:{self.sql_port}", "dba", self.password, f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if proc.returncode != 0:
            raise RopaError(f"could not set the dba password: {(proc.stderr or proc.stdout).strip()[:200]}")
        self.password = new

    def sql(self, script: str, timeout: int = 3600) -> str:
        """Run SQL statements (each ending in ``;``) as ``dba`` with ``isql-vt``; its output."""
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise RopaError("isql-vt is not installed (it comes with virtuoso-opensource)")
        proc = subprocess.run(
            [isql, f"{self.host}:{self.sql_port}", "dba", self.password],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        errors = [line for line in proc.stdout.splitlines() if "Error" in line]
        if proc.returncode != 0 or errors:
            raise RopaError(f"Virtuoso SQL failed: {(errors or [proc.stderr.strip()])[0][:300]}")
        return proc.stdout

    def bulk_load(self, nquads: Path) -> None:
        """Load an N-Quads file with Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run``),
        the way to load 10^8 triples; the file is moved into the server's directory."""
        if self.directory is None:
            raise RopaError("the Virtuoso server is not running")
        inbox = self.directory / "load"
        inbox.mkdir(exist_ok=True)
        target = inbox / (nquads.stem + ".nq")
        shutil.move(str(nquads), target)
        self.sql(
            f"ld_dir('{inbox}', '{target.name}', 'urn:ropa-kg:no-default-graph');\nrdf_loader_run();\ncheckpoint;\n"
        )
        failed = self.sql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;\n")
        if "0 Rows" not in failed:
            raise RopaError(f"Virtuoso's bulk loader failed: {failed.strip()[-300:]}")

    def log_tail(self, lines: int = 3) -> str:
        log = self.directory / "virtuoso.log" if self.directory else None
        if not log or not log.exists():
            return ""
        return " / ".join(line.strip() for line in log.read_text("utf-8", "replace").splitlines()[-lines:])

    def stop(self) -> None:
        end_process(self.process, 30)
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> Virtuoso:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
