"""Exporting the dataset in the usual RDF formats, atomically."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ropakg.errors import RopaError
from ropakg.files import write_atomically
from ropakg.namespaces import PREFIXES

FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = {"trig", "nq"}


def export(store: ox.Store, path: Path, format: str) -> Path:
    """Write ``store`` to ``path``: trig/nq with named graphs, the others as their union.

    The file is written beside ``path`` and renamed into place when complete.
    """
    if format not in FORMATS:
        raise RopaError(f"unknown format {format!r} (choose from {', '.join(FORMATS)})")
    fmt = FORMATS[format]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None

    def write(tmp: Path) -> None:
        if format in DATASET_FORMATS:
            store.dump(output=str(tmp), format=fmt, prefixes=prefixes)
        else:
            union = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)}
            with open(tmp, "wb") as out:
                ox.serialize(union, output=out, format=fmt, prefixes=prefixes)

    try:
        write_atomically(path, write)
    except OSError as exc:
        raise RopaError(f"cannot write export: {exc.strerror or exc}", file=path) from None
    return path
