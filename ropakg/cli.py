"""The ``ropa`` command line: thin commands over the ropakg and ingest libraries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ropakg.errors import RopaError
from ropakg.paths import Paths

EXIT_CODES = """\b
Exit codes:
  0  success (validate: the graph conforms)
  1  validate: the graph does not conform (violations found)
  2  usage error, or an unexpected error
  3  a record is malformed (YAML, unknown field, unknown or wrong concept), binary or too large
  4  a quote is not in its policy text
  5  a policy file is missing, unreadable, not UTF-8, binary or too large
  6  a query is refused or does not parse
  7  there is no build yet (run `ropa build`)
  8  a SPARQL endpoint or graph store cannot be reached, refuses, or cuts an answer short"""


class _Group(click.Group):
    """Turns RopaError into one line on stderr and its documented exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RopaError as exc:
            click.echo(f"ropa: error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, epilog=EXIT_CODES)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ROPA_HOME",
    help="Project folder with ontology/, data/ and queries/ [env ROPA_HOME].",
)
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ROPA_BUILD_DIR",
    help="Where the build goes [env ROPA_BUILD_DIR; data/build].",
)
@click.version_option(package_name="ropa-kg")
@click.pass_context
def main(ctx: click.Context, home: Path | None, build_dir: Path | None) -> None:
    """ropa-kg: GDPR Art. 30 records of processing activities as a W3C DPV knowledge graph."""
    ctx.obj = Paths.default(home, build_dir)


@main.command(epilog=EXIT_CODES)
@click.argument("records", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def check(paths: Paths, records: tuple[Path, ...]) -> None:
    """Check records: schema, concept names, references and quotes.

    Prints every problem as FILE:LINE: CAUSE. With no RECORDS, checks all of data/records/.
    """
    from ingest.build import check_records

    problems = check_records(paths, list(records) or None)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(problems[0].exit_code)
    click.echo("records ok")


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    """A rich status line on a terminal; nothing when quiet or piped."""
    from contextlib import nullcontext

    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return nullcontext(lambda _msg: None)
    status = console.status("building")

    class _Ctx:
        def __enter__(self):  # type: ignore[no-untyped-def]
            status.start()
            return lambda msg: status.update(msg)

        def __exit__(self, *exc: object) -> None:
            status.stop()

    return _Ctx()


STATS_AFTER_BUILD = 50
"""Up to this many policies, ``ropa build`` loads the build and prints a table per policy."""


@main.command(epilog=EXIT_CODES)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_obj
def build(paths: Paths, quiet: bool) -> None:
    """Build the dataset from data/records/ and data/policies/.

    Every record is checked (schema, concept names, quotes) and mapped to its policy's
    named graph. The dataset is written to data/build/ropa.trig only when everything
    succeeds: a failed build leaves the last good build in place.
    """
    from ingest.build import build as run_build

    with _progress(quiet) as say:
        result = run_build(paths, say)
    if not quiet:
        click.echo(
            f"built {result.dataset} in {result.seconds:.1f} s: {result.records} policies, "
            f"{result.activities} processing activities, {result.quads:,} quads"
        )
        if result.records <= STATS_AFTER_BUILD:
            from ropakg.store import load

            _print_table(load(paths, build=False).stats(), "table")
        else:
            click.echo("per policy: ropa stats")


@main.command(epilog=EXIT_CODES)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["trig", "ttl", "nt", "nq", "jsonld"]),
    default="trig",
    show_default=True,
    help="trig and nq keep the named graphs; ttl, nt and jsonld give their union.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced atomically).",
)
@click.pass_obj
def export(paths: Paths, fmt: str, output: Path) -> None:
    """Export the whole dataset (policies, ontology, reference data, DPV, inferred)."""
    from ropakg.store import load

    kg = load(paths, build=False)
    kg.export(output, fmt)
    click.echo(f"wrote {output} ({fmt}, {len(kg):,} quads)", err=True)


@main.command(epilog=EXIT_CODES)
@click.option(
    "--shapes",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="SHACL shapes to use [ontology/shapes.ttl].",
)
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="List warnings as well as violations.")
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="sparql: the shapes compiled to SPARQL on the embedded engine (fast); pyshacl: any SHACL, slowly.",
)
@click.pass_obj
def validate(paths: Paths, shapes: Path | None, warnings: bool, engine: str) -> None:
    """Check Art. 30(1) completeness with the SHACL shapes; report in plain words.

    Exits 0 when the graph conforms (warnings allowed), 1 when there are violations.
    """
    from ropakg.store import load
    from ropakg.validate import validate as run_validate

    report = run_validate(load(paths, build=False), shapes, engine)
    shown = report.findings if warnings else report.violations
    for finding in shown:
        click.echo(str(finding))
    click.echo(
        f"{'conforms' if report.conforms else 'does not conform'}: "
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
    )
    sys.exit(0 if report.conforms else 1)


@main.command(epilog=EXIT_CODES)
@click.argument("query_ref", metavar="FILE.rq|NAME|-")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="json is SPARQL 1.1 Query Results JSON.",
)
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of a saved query (repeatable)."
)
@click.option(
    "--lang",
    type=click.Choice(["en", "nb", "sv"]),
    default=None,
    help="Add a label column in this language beside each column of IRIs (table and csv).",
)
@click.option("--endpoint", metavar="URL", help="Ask a SPARQL 1.1 endpoint instead of the local build.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most this many rows.")
@click.pass_obj
def query(
    paths: Paths,
    query_ref: str,
    fmt: str,
    params: tuple[str, ...],
    lang: str | None,
    endpoint: str | None,
    limit: int | None,
) -> None:
    """Run a SPARQL SELECT: a .rq file, a saved question by NAME, or - for stdin.

    The project's prefixes (dpv, pd, loc, eu-gdpr, ropa, ...) are predeclared. Queries
    are read-only: updates and SERVICE are refused. With --endpoint the same question
    goes to a remote SPARQL endpoint (which must use the union of its graphs as the
    default graph).
    """
    from ropakg.errors import QueryError
    from ropakg.queries import resolve
    from ropakg.store import rows_as_json

    stdin_text = sys.stdin.read() if query_ref == "-" else None
    saved = resolve(query_ref, paths.queries, stdin_text)
    values: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"parameter {item!r} should be NAME=VALUE")
        values[name.strip()] = value
    bound = saved.bind(values)
    kg = _graph(paths, endpoint)
    # Only the rows shown are fetched: the page is built key by key for questions that
    # declare page-by, otherwise the engine applies LIMIT.
    names, rows = kg.page(saved, bound, limit=limit)
    if fmt == "json":
        click.echo(rows_as_json(names, rows))
        return
    _print_table(kg.table(names, rows, lang or False), fmt)


def _graph(paths: Paths, endpoint: str | None):  # type: ignore[no-untyped-def]
    if endpoint:
        from ropakg.remote import RemoteGraph

        return RemoteGraph(endpoint, queries_dir=paths.queries)
    from ropakg.store import load

    return load(paths, build=False)


@main.command(epilog=EXIT_CODES)
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.pass_obj
def serve(paths: Paths, port: int) -> None:
    """Serve the build as a read-only SPARQL 1.1 endpoint on 127.0.0.1 (Oxigraph server).

    The endpoint is http://127.0.0.1:PORT/query; the default graph is the union of the
    named graphs; there is no update endpoint. Stop with Ctrl-C.
    """
    from ropakg.server import Server

    server = Server(paths, port)
    try:
        server.start()
        click.echo(f"SPARQL endpoint: {server.endpoint}  (read-only; Ctrl-C stops)", err=True)
        assert server.process is not None
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@main.command(epilog=EXIT_CODES)
@click.option(
    "--endpoint",
    "graph_store",
    metavar="URL",
    required=True,
    help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph), "
    "http://HOST:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option("--user", metavar="NAME", help="User for HTTP Basic or Digest authentication.")
@click.option(
    "--password",
    metavar="SECRET",
    envvar="ROPA_ENDPOINT_PASSWORD",
    help="Password for --user [env ROPA_ENDPOINT_PASSWORD; asked for when not given].",
)
@click.option(
    "--chunk",
    type=click.IntRange(min=1),
    default=200_000,
    show_default=True,
    help="Most triples in one request (a larger graph goes as a PUT and then POSTs).",
)
@click.pass_obj
def push(paths: Paths, graph_store: str, user: str | None, password: str | None, chunk: int) -> None:
    """Upload the dataset to a store that speaks the SPARQL 1.1 Graph Store Protocol.

    Each named graph is sent with HTTP PUT (replacing a graph of the same name there;
    graphs of other names are left alone), in requests of at most --chunk triples.
    Stores that want credentials for updates get them with HTTP Basic or Digest
    authentication, as the server asks (Virtuoso: --user dba). For 10^8 triples use
    the store's bulk loader instead (docs/servers.md).
    """
    from ropakg.graphstore import push as run_push
    from ropakg.store import load

    if user is not None and password is None:
        password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    sent = run_push(load(paths, build=False).store, graph_store, user=user, password=password, chunk=chunk)
    click.echo(f"pushed {len(sent)} graphs, {sum(sent.values()):,} triples to {graph_store}")


@main.command()
@click.pass_obj
def queries(paths: Paths) -> None:
    """List the saved questions with their parameters."""
    from ropakg.queries import library

    for name, q in library(paths.queries).items():
        params = ", ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in q.params)
        click.echo(f"{name:40} {q.title}" + (f"  [{params}]" if params else ""))


@main.command(epilog=EXIT_CODES)
@click.pass_obj
def stats(paths: Paths) -> None:
    """Summarise the build: per controller, activities, recipients, transfers."""
    from ropakg import summary
    from ropakg.store import load

    kg = load(paths, build=False)
    _print_table(kg.stats(), "table")
    policies, quads = summary.size(kg)  # kept beside the build once counted
    click.echo(f"{quads:,} quads in {len(kg.graphs())} named graphs ({policies} policies)")


@main.command(epilog=EXIT_CODES)
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--headless", is_flag=True, help="Do not open a browser window.")
@click.pass_obj
def app(paths: Paths, port: int, headless: bool) -> None:
    """Open the browser front end (Streamlit), building the graph first if there is none."""
    import os

    if not paths.dataset.exists():
        from ingest.build import build as run_build

        with _progress(False) as say:
            run_build(paths, say)
    script = paths.root / "app.py"
    if not script.exists():
        raise RopaError("app.py not found", file=script)
    env = {**os.environ, "ROPA_HOME": str(paths.root), "ROPA_BUILD_DIR": str(paths.build_dir)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    if headless:
        command += ["--server.headless", "true"]
    # Become the Streamlit server, so that signals (Ctrl-C, a terminate) reach it directly.
    os.chdir(paths.root)
    os.execve(sys.executable, command, env)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the record format."""
    import json

    from ingest.schema import Record

    click.echo(json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False))


def _print_table(frame, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from ropakg.namespaces import compact

    if fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in frame.columns:
        table.add_column(str(col), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*("" if v is None else compact(str(v)) for v in row))
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print(f"{len(frame)} row(s)")


from ropakg import cli_draft as _cli_draft  # noqa: E402,F401  (registers draft, ingest, eval)
