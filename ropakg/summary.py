"""The overview's whole-graph figures, counted once per build and kept beside it.

The overview's counts (controllers, activities, recipients, countries, flows outside the
EEA), its number of findings and the length of its outside-EEA table are aggregates over
the whole graph: seconds on 10,000 controllers, most of a minute on 100,000. They change
only when the build does, so the first overview of a build counts them and writes them
to ``summary.json`` in the build folder; every later overview of the same build (another
process, the app after a restart, the CLI) reads them from there.

The app's sidebar shows the number of policies and quads; ``len()`` of a store walks every
quad, so they are kept there too (:func:`size`, the first condition below only).

The file is used only when all of these hold, and is otherwise counted again (and
rewritten where the build folder is writable):

- the graph was loaded from the build file and not changed since
  (:attr:`ropakg.store.KnowledgeGraph.source`, the build file's path, inode, size and
  modification time when it was loaded: a rebuild renames a new file into place);
- the file was counted from a build with that same fingerprint;
- on the same date (the ended-mechanisms finding counts mechanisms ended by today);
- by the same queries (a hash of every query text the counts run).

A remote graph, or one changed in place, has no source and is always counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ropakg.api import GraphAPI
from ropakg.files import write_atomically

FILE_NAME = "summary.json"
COUNT_NAMES = ("controllers", "activities", "recipients", "countries", "outside_eea")
"""The overview's counts (:func:`ropakg.overview.counts`)."""


@dataclass(frozen=True)
class Totals:
    """The overview's whole-graph figures."""

    counts: dict[str, int]
    findings: int
    outside_eea_rows: int


def count(kg: GraphAPI, today: dt.date | None = None, threads: int | None = None) -> Totals:
    """Count the overview's figures on the graph (no file read or written); ``today`` is
    the date ended transfer mechanisms are judged by (by default the current date).

    Its eight queries are independent and the engine releases the GIL while it evaluates
    one, so they run in ``threads`` threads (default: one per core, at most four), the
    slowest first (:data:`ropakg.overview.RISK_QUERIES` and the outside-EEA table)."""
    from ropakg import overview

    jobs: list[Callable[[], Any]] = [
        partial(kg.count, "processors-outside-eea"),
        *(partial(overview.risks, kg, name, today) for name in overview.RISK_QUERIES),
        *(partial(overview.select_counts, kg, sparql) for sparql in overview.COUNT_QUERIES),
        partial(overview.controllers_with_gaps, kg),
    ]
    workers = threads or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outside_rows, *results = pool.map(lambda job: job(), jobs)
    risks = results[: len(overview.RISK_QUERIES)]
    parts = results[len(overview.RISK_QUERIES) : -1]
    return Totals(overview.merge_counts(parts), sum(risks) + results[-1], outside_rows)


def key(kg: GraphAPI, today: dt.date | None = None) -> dict[str, str] | None:
    """What a summary must have been counted from to be used for this graph; None when
    the graph is not an unchanged build."""
    source = getattr(kg, "source", None)
    if source is None:
        return None
    from ropakg import overview

    texts = [*overview.QUERY_TEXTS, *(kg.resolve(n).text for n in (*overview.RISK_QUERIES, "processors-outside-eea"))]
    return {
        "dataset": source,
        "date": (today or dt.date.today()).isoformat(),
        "queries": hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest(),
    }


def path(kg: GraphAPI) -> Path | None:
    """Where the summary of the graph's build is kept."""
    paths = getattr(kg, "paths", None)
    return None if paths is None else paths.build_dir / FILE_NAME


def totals(kg: GraphAPI, today: dt.date | None = None) -> Totals:
    """The overview's figures: read from the build's summary when it is the summary of
    this graph (see the module), otherwise counted and written there."""
    figures = kept(kg, "overview", key(kg, today), lambda: asdict(count(kg, today)))
    return Totals(dict(figures["counts"]), int(figures["findings"]), int(figures["outside_eea_rows"]))


def size(kg: GraphAPI) -> tuple[int, int]:
    """Policies (named graphs of policies) and quads in the graph, kept like the totals
    (``len()`` of a store walks every quad: 0.5 s at 10,000 controllers, 5 s at 100,000)."""
    source = getattr(kg, "source", None)
    figures = kept(
        kg,
        "size",
        None if source is None else {"dataset": source},
        lambda: {"policies": len(kg.policy_graphs()), "quads": len(kg)},  # type: ignore[attr-defined,arg-type]
    )
    return int(figures["policies"]), int(figures["quads"])


def kept(kg: GraphAPI, part: str, wanted: dict[str, str] | None, compute: Callable[[], dict]) -> dict:  # type: ignore[type-arg]
    """A part of the build's summary: the kept figures if they were counted for ``wanted``,
    otherwise ``compute()``'s, written back (only where ``wanted`` says what they are for)."""
    where = path(kg)
    if wanted is None or where is None:
        return compute()
    saved = read(where) or {}
    entry = saved.get(part)
    if isinstance(entry, dict) and entry.get("key") == wanted and isinstance(entry.get("figures"), dict):
        figures = entry["figures"]
        if _complete(part, figures):
            return figures
    figures = compute()
    # Other parts are kept only where they were counted for this same build.
    dataset = wanted.get("dataset")
    others = {
        k: v
        for k, v in saved.items()
        if k != part and isinstance(v, dict) and isinstance(v.get("key"), dict) and v["key"].get("dataset") == dataset
    }
    write(where, {**others, part: {"key": wanted, "figures": figures}})
    return figures


_FIELDS = {"overview": ("counts", "findings", "outside_eea_rows"), "size": ("policies", "quads")}


def _complete(part: str, figures: dict) -> bool:  # type: ignore[type-arg]
    """Whether kept figures have every field their part needs, as numbers (a damaged or
    older file is counted again)."""
    try:
        for name in _FIELDS[part]:
            value = figures[name]
            if name == "counts":
                if not isinstance(value, dict) or set(value) != set(COUNT_NAMES):
                    return False
                if not all(isinstance(v, int) for v in value.values()):
                    return False
            elif not isinstance(value, int):
                return False
    except KeyError:
        return False
    return True


def read(where: Path) -> dict | None:  # type: ignore[type-arg]
    """The saved summary, or None if there is none or it cannot be read as one."""
    try:
        data = json.loads(where.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write(where: Path, data: dict) -> bool:  # type: ignore[type-arg]
    """Write the summary beside the build (:func:`ropakg.files.write_atomically`); False
    where the build folder cannot be written (the figures are then counted again next time).
    A summary belongs beside its build: a missing build folder is not made for it."""
    if not where.parent.is_dir():
        return False
    try:
        write_atomically(where, lambda tmp: tmp.write_text(json.dumps(data, indent=1), "utf-8"))
    except OSError:
        return False
    return True
