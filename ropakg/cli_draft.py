"""``ropa draft``, ``ropa ingest`` and ``ropa eval``: drafting records from policy texts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ropakg.cli import EXIT_CODES, _print_table, main
from ropakg.paths import Paths

LANGS = click.Choice(["auto", "nb", "nn", "sv", "da", "en"])


def _write(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    from ropakg.files import write_atomically

    write_atomically(output, lambda tmp: tmp.write_text(text, "utf-8"))
    click.echo(f"wrote {output}", err=True)


@main.command(epilog=EXIT_CODES)
@click.argument("policy", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "ttl"]),
    default="yaml",
    show_default=True,
    help="yaml: a draft record (curated-record format); ttl: its DPV 2.3 graph, as `ropa export` maps records.",
)
@click.option("--lang", type=LANGS, default="auto", show_default=True, help="Policy language; auto detects it.")
@click.pass_obj
def draft(paths: Paths, policy: Path, output: Path | None, fmt: str, lang: str) -> None:
    """Draft a record of processing activities from a privacy POLICY.

    POLICY is plain text, Markdown or HTML in any common encoding (UTF-8/16, Windows-1252),
    in Norwegian (bokmål, nynorsk), Swedish, Danish or English. Every value in the draft
    quotes the sentence it came from, with its offsets in the graph, and a confidence.
    """
    from ingest.draft import draft_file
    from ingest.draft.output import to_turtle, to_yaml

    d = draft_file(policy, lang=lang)
    _write(to_turtle(d, paths) if fmt == "ttl" else to_yaml(d), output)


@main.command(epilog=EXIT_CODES)
@click.argument("policy", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--draft", "as_draft", is_flag=True, required=True, help="Draft the record (required: only drafts are ingested)."
)
@click.option("--lang", type=LANGS, default="auto", show_default=True)
@click.option("--id", "controller_id", help="Controller id (slug) to file the draft under.")
@click.option("-q", "--quiet", is_flag=True)
@click.pass_obj
def ingest(paths: Paths, policy: Path, as_draft: bool, lang: str, controller_id: str | None, quiet: bool) -> None:
    """Draft POLICY and add it to the graph, flagged as a draft (unreviewed).

    The text goes to data/policies/, the record to data/records/ (status: draft), and the
    graph is rebuilt. If the build fails, both are removed and the last build is kept.
    """
    from ingest.build import build as run_build
    from ingest.draft.intake import ingest_draft, withdraw
    from ropakg.errors import RopaError

    intake = ingest_draft(paths, policy, lang=lang, controller_id=controller_id)
    try:
        result = run_build(paths)
    except RopaError:
        withdraw(intake)
        raise
    if not quiet:
        rec = intake.draft.record
        click.echo(
            f"ingested draft {intake.record.name} ({intake.draft.language}, {len(rec['activities'])} activities); "
            f"rebuilt {result.dataset}: {result.records} policies, {result.quads:,} quads"
        )


@main.command("eval", epilog=EXIT_CODES)
@click.option(
    "--records", "records_dir", type=click.Path(file_okay=False, path_type=Path), help="Curated records [data/records]."
)
@click.option(
    "--policies",
    "policies_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Their policy texts [data/policies].",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--per-policy", is_flag=True, help="Also score each policy.")
@click.pass_obj
def evaluate_cmd(paths: Paths, records_dir: Path | None, policies_dir: Path | None, fmt: str, per_policy: bool) -> None:
    """Score drafts against curated records: precision, recall and F1 per field.

    Each curated record's policy is drafted and compared with the record, field by field,
    for the whole policy. The macro F1 is over legal bases, rights, data subjects, personal
    data, purposes, measures, named recipients and the controller.
    """
    import pandas as pd

    from ingest.draft.evaluate import evaluate

    records = sorted((records_dir or paths.records).glob("*.yaml"))
    records = [r for r in records if "status: draft" not in r.read_text("utf-8")[:4000]]
    if not records:
        click.echo("ropa: error: no curated records to score against", err=True)
        sys.exit(2)
    result = evaluate(records, policies_dir or paths.policies)
    frame = pd.DataFrame(result.table())
    if fmt == "json":
        out = {"macro_f1": round(result.macro_f1, 3), "fields": result.table()}
        if per_policy:
            out["policies"] = {
                p: {n: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "missed": s.missed, "wrong": s.wrong}
                    for n, s in scores.items()}
                for p, scores in result.per_policy.items()
            }  # fmt: skip
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    _print_table(frame, fmt)
    if per_policy:
        rows = [
            {"policy": p, "field": n, "f1": round(s.f1, 3), "missed": " ".join(s.missed), "wrong": " ".join(s.wrong)}
            for p, scores in result.per_policy.items()
            for n, s in scores.items()
        ]
        _print_table(pd.DataFrame(rows), fmt)
    if fmt == "table":
        click.echo(f"macro F1 over {len(records)} policies: {result.macro_f1:.3f}")
