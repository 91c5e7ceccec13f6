"""The knowledge graph as notebooks, the CLI and the app use it.

The built dataset (TriG) is loaded into an embedded Oxigraph store; SPARQL runs there
against the union of the named graphs, with the project's prefixes predeclared and
user values bound as substitutions, never formatted into query text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyoxigraph as ox

from ropakg.api import GraphAPI
from ropakg.errors import BuildMissing, QueryError, RopaError
from ropakg.namespaces import GRAPH, PREFIXES
from ropakg.paging import INDEXES, KeyIndex
from ropakg.paths import Paths
from ropakg.sparql import bind_values, check_query, syntax_error
from ropakg.terms import XSD, to_python, to_term, tsv_values

__all__ = ["KnowledgeGraph", "load", "rows_as_json", "to_python", "to_term"]


class KnowledgeGraph(GraphAPI):
    """The built ROPA dataset in an embedded Oxigraph store, queryable with SPARQL.

    >>> kg = load()                                                   # doctest: +SKIP
    >>> kg.query("SELECT ?name WHERE { ?c a dpv:DataController ; dpv:hasName ?name }")  # doctest: +SKIP
    """

    def __init__(
        self, store: ox.Store, paths: Paths | None = None, lang: str = "en", source: str | None = None
    ) -> None:
        self.store = store
        self.source = source
        """The build file this graph was loaded from, as :func:`fingerprint` gave it; None
        when the store was made otherwise or changed (:meth:`refresh`)."""
        self.paths = paths or Paths.default()
        self.queries_dir = self.paths.queries
        self.lang = lang
        self.key_paging = True
        """Build pages of ``page-by`` questions controller by controller (:mod:`ropakg.paging`)."""
        self._indexes: dict[str, KeyIndex] = {}

    def key_index(self, kind: str = "controllers") -> KeyIndex | None:
        """The keys of a kind in name order, read once per loaded graph.

        The store is read-only once loaded; after adding to ``store`` yourself, call
        :meth:`refresh` so that pages see the new controllers and recipients.
        """
        if not self.key_paging:
            return None
        if kind not in self._indexes:
            self._indexes[kind] = KeyIndex(self.select(INDEXES[kind])[1])
        return self._indexes[kind]

    def refresh(self) -> None:
        """Forget what was read from the store once (the key indexes of pages), and that
        the store is the build it was loaded from (its kept summary no longer applies)."""
        self._indexes = {}
        self.source = None

    # ------------------------------------------------------------------ query
    def select(
        self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a SELECT; return variable names and rows of Oxigraph terms."""
        result = self._solutions(sparql, params, file)
        names = [v.value for v in result.variables]
        # A solution iterates over its values in the order of ``variables`` (None where
        # unbound); that is ~10x faster than looking each value up by name.
        return names, [list(row) for row in result]

    def select_values(
        self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None
    ) -> tuple[list[str], list[list[Any]], list[set[str]]]:
        """Run a SELECT; variable names, rows of Python values, each column's IRIs. The
        engine writes the answer as TSV, read back without a Python term per cell."""
        result = self._solutions(sparql, params, file)
        try:
            return tsv_values(result.serialize(format=ox.QueryResultsFormat.TSV) or b"")
        except OSError as exc:
            raise QueryError(f"query failed: {exc}", file=file) from None

    def _solutions(self, sparql: str, params: dict[str, Any] | None, file: str | None) -> ox.QuerySolutions:
        check_query(sparql)
        terms = {k: to_term(v) for k, v in (params or {}).items()}
        try:
            result = self._run(sparql, terms)
        except SyntaxError as exc:
            raise syntax_error(str(exc), file=file) from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}", file=file) from None
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT queries give tables; use construct() or ask()", file=file)
        return result

    def _run(self, sparql: str, terms: dict[str, Any]) -> Any:
        run = partial(self.store.query, prefixes=PREFIXES, use_default_graph_as_union=True)
        if not terms:
            return run(sparql)
        try:
            # The engine's own binding (SEP-0007 substitution) ...
            return run(sparql, substitutions={ox.Variable(k): t for k, t in terms.items()})
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
        # ... accepts only projected variables; otherwise the engine-serialized terms go
        # into a VALUES block, which binds any variable, also under aggregates.
        return run(bind_values(sparql, {k: str(t) for k, t in terms.items()}))

    def ask(self, sparql: str, **params: Any) -> bool:
        """Run an ASK query."""
        check_query(sparql)
        try:
            return bool(self._run(sparql, {k: to_term(v) for k, v in params.items()}))
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from None

    # ------------------------------------------------------------------ facts
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def policy_graphs(self) -> list[str]:
        reserved = {str(GRAPH[n]) for n in ("dpv", "ontology", "reference", "inferred")}
        return [g for g in self.graphs() if g.startswith(str(GRAPH)) and g not in reserved]

    def stats(self) -> pd.DataFrame:
        """Per controller: activities, recipients and transfers."""
        return self.query(_STATS, labels=False)

    def __len__(self) -> int:
        return len(self.store)

    # ------------------------------------------------------------------ export
    def export(self, path: str | Path, format: str = "trig") -> Path:
        """Write the whole dataset: trig or nq keep the named graphs; ttl, nt and jsonld
        give their union."""
        from ropakg.export import export

        return export(self.store, Path(path), format)


_STATS = """
SELECT ?controller ?name (COUNT(DISTINCT ?activity) AS ?activities)
       (COUNT(DISTINCT ?recipient) AS ?recipients)
       (COUNT(DISTINCT ?transfer) AS ?transfers)
WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity ?ropa .
  OPTIONAL { ?ropa dpv:hasProcess ?activity .
    OPTIONAL { ?activity dpv:hasRecipient ?recipient }
    OPTIONAL { ?activity dpv:hasProcessing ?transfer . ?transfer a dpv:CrossBorderTransfer } }
}
GROUP BY ?controller ?name ORDER BY ?name
"""


def load(paths: Paths | None = None, *, build: bool = True, lang: str = "en") -> KnowledgeGraph:
    """Load the built dataset; build it first if there is none yet (and ``build``).

    >>> import ropakg
    >>> kg = ropakg.load()                                            # doctest: +SKIP
    """
    paths = paths or Paths.default()
    if not paths.dataset.exists():
        if not build:
            raise BuildMissing("no build yet: run `ropa build`", file=paths.dataset)
        from ingest.build import build as run_build

        run_build(paths)
    store = ox.Store()
    before = fingerprint(paths.dataset)
    try:
        store.load(path=str(paths.dataset), format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError) as exc:
        raise RopaError(f"cannot read the build: {exc}", file=paths.dataset) from None
    # A build renamed into place while loading: what was read is not known to be either.
    source = before if fingerprint(paths.dataset) == before else None
    return KnowledgeGraph(store, paths, lang, source)


def fingerprint(dataset: Path) -> str | None:
    """The build file's path, inode, size and modification time (a rebuild renames a new
    file into place, which changes them); None if there is no such file."""
    try:
        stat = dataset.stat()
    except OSError:
        return None
    return f"{dataset.resolve()}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def rows_as_json(names: Iterable[str], rows: Iterable[list[Any]]) -> str:
    """SPARQL 1.1 Query Results JSON for a table of Oxigraph terms."""
    names = list(names)

    def cell(t: Any) -> dict[str, str]:
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD + "string":
            out["datatype"] = t.datatype.value
        return out

    bindings = [{n: cell(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)
