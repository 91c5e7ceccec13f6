"""Whole answers of aggregate questions, computed once per build and kept beside it.

A question that counts over the whole graph (recipients by country, recipients shared by
several controllers) cannot be paged controller by controller: every page needs every
activity, seconds at 100,000 controllers. Its answer changes only with the build, so a
question that says ``#+ kept: build`` has its whole answer, once computed, written to
``answers/<name>.json`` in the build folder (SPARQL 1.1 Query Results JSON beside what it
was computed from); later pages of it, in any process, are slices
of that answer (the rows in the question's own order, so a slice is the engine's
LIMIT/OFFSET page).

The file is used only for the graph loaded from that very build file, as for the
overview's summary (:mod:`ropakg.summary`: the build's path, inode, size and modification
time when it was loaded), and for the same query text. Otherwise, or if the file is
damaged, the answer is computed again and the file rewritten. A remote graph, or one
changed in place (:meth:`ropakg.store.KnowledgeGraph.refresh`), always computes it.
Kept questions take no parameters, so there is nothing else an answer depends on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ropakg.files import write_atomically
from ropakg.queries import SavedQuery

FOLDER = "answers"
Rows = tuple[list[str], list[list[Any]]]


def applies(kg: Any, saved: SavedQuery) -> bool:
    """Whether the question's answer can be kept for this graph (an unchanged build)."""
    return saved.kept and getattr(kg, "source", None) is not None and getattr(kg, "paths", None) is not None


def path(kg: Any, saved: SavedQuery) -> Path:
    return kg.paths.build_dir / FOLDER / f"{saved.name}.json"


def key(kg: Any, saved: SavedQuery) -> dict[str, str]:
    """What a kept answer must have been computed from to be used."""
    return {"dataset": kg.source, "query": hashlib.sha256(saved.text.encode("utf-8")).hexdigest()}


def answer(kg: Any, saved: SavedQuery, compute: Callable[[], Rows]) -> Rows:
    """The question's whole answer: the kept one if it was computed for this graph and
    text, otherwise ``compute()``'s, kept for next time (where the build folder exists)."""
    if not applies(kg, saved):
        return compute()
    where, wanted = path(kg, saved), key(kg, saved)
    kept = read(where, wanted)
    if kept is not None:
        return kept
    names, rows = compute()
    if where.parent.parent.is_dir():  # beside a build only: no build folder is made for it
        write(where, wanted, names, rows)
    return names, rows


def write(where: Path, wanted: dict[str, str], names: list[str], rows: list[list[Any]]) -> None:
    """Keep an answer: what it was computed from, and its rows as SPARQL 1.1 Query
    Results JSON (:func:`ropakg.store.rows_as_json`); a folder that cannot be written
    keeps nothing (the answer is computed again next time)."""
    from ropakg.store import rows_as_json

    data = {"key": wanted, "answer": rows_as_json(names, rows)}
    with contextlib.suppress(OSError):
        write_atomically(where, lambda tmp: tmp.write_text(json.dumps(data), "utf-8"))


def read(where: Path, wanted: dict[str, str]) -> Rows | None:
    """The kept answer if the file holds one computed for ``wanted``, read back by the
    engine's results parser; None otherwise (missing, another build or text, or damaged)."""
    try:
        data = json.loads(where.read_text("utf-8"))
        if not isinstance(data, dict) or data.get("key") != wanted or not isinstance(data.get("answer"), str):
            return None
        solutions = ox.parse_query_results(data["answer"].encode("utf-8"), format=ox.QueryResultsFormat.JSON)
        if not isinstance(solutions, ox.QuerySolutions):
            return None  # a yes/no answer: not what a SELECT keeps
        return [v.value for v in solutions.variables], [list(row) for row in solutions]
    except (OSError, ValueError, SyntaxError):
        return None
