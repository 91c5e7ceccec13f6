"""Whole answers of aggregate questions, computed once per build and kept beside it.

A question that counts over the whole graph (recipients by country, recipients shared by
several controllers) cannot be paged controller by controller: every page needs every
activity, seconds at 100,000 controllers. Its answer changes only with the build, so a
question that says ``#+ kept: build`` has its whole answer, once computed, written to
``answers/<name>.json`` in the build folder; later pages of it, in any process, are slices
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
        data = {"key": wanted, "variables": names, "rows": [[encode(t) for t in row] for row in rows]}
        try:
            where.parent.mkdir(exist_ok=True)
            write_atomically(where, lambda tmp: tmp.write_text(json.dumps(data), "utf-8"))
        except OSError:
            pass  # computed again next time
    return names, rows


def read(where: Path, wanted: dict[str, str]) -> Rows | None:
    """The kept answer if the file holds one computed for ``wanted``; None otherwise
    (missing, another build or text, or damaged)."""
    try:
        data = json.loads(where.read_text("utf-8"))
        if not isinstance(data, dict) or data.get("key") != wanted:
            return None
        names = data["variables"]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return None
        rows = [[decode(t) for t in row] for row in data["rows"]]
        if any(len(row) != len(names) for row in rows):
            return None
        return names, rows
    except (OSError, ValueError, KeyError, TypeError):
        return None


def encode(term: Any) -> list[str] | None:
    """An Oxigraph term as JSON: ``["iri", value]``, ``["blank", id]``,
    ``["literal", value, datatype]`` or ``["literal", value, "@" + language]``; None unbound."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["iri", term.value]
    if isinstance(term, ox.BlankNode):
        return ["blank", term.value]
    if isinstance(term, ox.Literal):
        return ["literal", term.value, f"@{term.language}" if term.language else term.datatype.value]
    raise TypeError(f"cannot keep a {type(term).__name__}")


def decode(cell: Any) -> Any:
    """The term :func:`encode` wrote (TypeError or ValueError if it is not one)."""
    if cell is None:
        return None
    kind, value, *rest = cell
    if not isinstance(value, str):
        raise TypeError("a term's value must be text")
    if kind == "iri" and not rest:
        return ox.NamedNode(value)
    if kind == "blank" and not rest:
        return ox.BlankNode(value)
    if kind == "literal" and len(rest) == 1 and isinstance(rest[0], str):
        tag = rest[0]
        return (
            ox.Literal(value, language=tag[1:])
            if tag.startswith("@")
            else ox.Literal(value, datatype=ox.NamedNode(tag))
        )
    raise ValueError(f"not a kept term: {cell!r}")
