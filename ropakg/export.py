"""Exporting the dataset in the usual RDF formats, atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ropakg.errors import RopaError
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
    path.parent.mkdir(parents=True, exist_ok=True) if str(path.parent) else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
    try:
        if format in DATASET_FORMATS:
            store.dump(output=tmp, format=fmt, prefixes=prefixes)
        else:
            union = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)}
            with open(tmp, "wb") as out:
                ox.serialize(union, output=out, format=fmt, prefixes=prefixes)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RopaError(f"cannot write export: {exc.strerror or exc}", file=path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
