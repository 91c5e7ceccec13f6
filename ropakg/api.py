"""What notebooks, the CLI and the app ask of the graph, wherever it lives.

:class:`GraphAPI` holds the questions — saved queries by name, human labels in English,
Norwegian or Swedish beside IRIs, the Art. 30 table of a controller, the evidence of a
value, a networkx view — over one primitive, ``select``, which the embedded store
(:class:`ropakg.store.KnowledgeGraph`) and a remote SPARQL endpoint
(:class:`ropakg.remote.RemoteGraph`) each implement.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyoxigraph as ox

from ropakg import kept
from ropakg.errors import QueryError
from ropakg.namespaces import ID, compact
from ropakg.paging import KeyIndex, keyed_answer, keyed_page, page_by
from ropakg.queries import SavedQuery, library, parse, resolve
from ropakg.sparql import bind_values, count_query, paginate
from ropakg.terms import to_python, to_term

if TYPE_CHECKING:
    import networkx as nx

LANGUAGES = ("en", "nb", "sv")
PAGE_SIZE = 1000
"""Rows in one page of a table (the app's tables, the benchmark's "first page")."""
Rows = tuple[list[str], list[list[Any]]]
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LABEL_BATCH = 400

# The subjects come first (VALUES, added per batch) and the predicates are a filter: the
# engine then reads each subject's own triples instead of every label in the graph.
_LABELS = """
SELECT ?s ?p ?label WHERE {
  ?s ?p ?label .
  FILTER(?p IN (skos:prefLabel, dpv:hasName, dct:title, rdfs:label))
}
"""
# Which label wins: lower is better; (predicate, language-matches, is-English).
_LABEL_RANK = {
    ("skos:prefLabel", True): 0,
    ("skos:prefLabel", False): 1,
    ("dpv:hasName", False): 2,
    ("dct:title", True): 3,
    ("dct:title", False): 4,
    ("rdfs:label", True): 5,
    ("rdfs:label", False): 6,
}

ROPA_COLUMNS = {
    "purposes": "Purposes (b)",
    "dataSubjects": "Data subjects (c)",
    "personalData": "Personal data (c)",
    "legalBasis": "Legal basis",
    "recipients": "Recipients (d)",
    "transfers": "Transfers (e)",
    "retention": "Retention (f)",
    "measures": "Security measures (g)",
}


# Record column -> the ropa: field concept that marks it "not stated" or "stated none".
ROPA_FIELDS = {
    "purposes": "PurposeField",
    "dataSubjects": "DataSubjectField",
    "personalData": "PersonalDataField",
    "legalBasis": "LegalBasisField",
    "recipients": "RecipientField",
    "transfers": "TransferField",
    "retention": "RetentionField",
    "measures": "MeasureField",
}
NOT_STATED = {"en": "not stated", "nb": "ikke oppgitt", "sv": "ej angivet"}
NONE_STATED = {"en": "none (stated)", "nb": "ingen (oppgitt)", "sv": "inga (angivet)"}
_IRI_IN_TEXT = re.compile(r"https?://[^\s|<>\"]+")


class GraphAPI(ABC):
    """Questions to the ROPA graph; subclasses provide ``select``."""

    lang: str = "en"
    queries_dir: Path

    @abstractmethod
    def select(self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None) -> Rows:
        """Run a SELECT with parameters bound; variable names and rows of Oxigraph terms."""

    # ------------------------------------------------------------------ saved queries
    def saved(self) -> dict[str, SavedQuery]:
        """The saved questions, by name."""
        return library(self.queries_dir)

    def resolve(self, name_or_sparql: str) -> SavedQuery:
        """A saved question by name, or ad hoc SPARQL."""
        if _NAME.match(name_or_sparql):
            return resolve(name_or_sparql, self.queries_dir)
        return parse(name_or_sparql, "query")

    def rows(self, name_or_sparql: str, *, limit: int | None = None, offset: int = 0, **params: Any) -> Rows:
        """A saved question (by name) or SPARQL: variable names and rows of RDF terms.

        ``limit`` and ``offset`` select one page of the answer, so only that page's rows
        are converted. A question declaring ``page-by`` is paged controller by controller
        on the embedded store (:mod:`ropakg.paging`: the same rows, without sorting the
        whole answer); otherwise the engine applies LIMIT/OFFSET, and still evaluates and
        sorts the whole answer. Parameters as for :meth:`query`.
        """
        saved = self.resolve(name_or_sparql)
        bound = _bind(saved, params)
        return self.page(saved, bound, limit=limit, offset=offset)

    def page(self, saved: SavedQuery, bound: dict[str, Any], *, limit: int | None = None, offset: int = 0) -> Rows:
        """A page of a resolved question with its parameters already bound (see :meth:`rows`)."""
        file = str(saved.path) if saved.path else None
        # paginate also refuses a negative limit or offset, for keyed and kept pages too.
        text = saved.text if limit is None and not offset else paginate(saved.text, limit, offset)
        if kept.applies(self, saved):
            names, rows = kept.answer(self, saved, lambda: self.select(saved.text, bound, file=file))
            return names, rows[offset : None if limit is None else offset + limit]
        variables = page_by(saved.text, saved.page_by) if limit is not None else None
        index = self.key_index(variables[2]) if variables else None
        if variables and index is not None and limit is not None:
            form = saved.keyed or saved.text
            known = _asked("page", form, bound)
            if known not in index.sparse:
                page = keyed_page(form, variables, index, lambda q: self.select(q, bound, file=file), limit, offset)
                if page is not None:
                    return page
                index.sparse.add(known)
        return self.select(text, bound, file=file)

    def select_values(
        self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None
    ) -> tuple[list[str], list[list[Any]], list[set[str]]]:
        """Run a SELECT; variable names, rows of Python values (:func:`ropakg.terms.to_python`)
        and each column's IRIs."""
        names, rows = self.select(sparql, params, file=file)
        return _values(names, rows)

    def answer(self, name_or_sparql: str, **params: Any) -> Rows:
        """Every row of a saved question (by name) or SPARQL as Python values: IRIs as
        strings, typed literals converted (what :meth:`query` puts in its DataFrame).

        A question declaring ``page-by`` is answered controller by controller on the
        embedded store, batches evaluated at once, one per core (:mod:`ropakg.paging`:
        the same rows in the same order), unless its answer is sparse among the controllers.

        >>> names, rows = kg.answer("data-subjects")  # doctest: +SKIP
        """
        saved = self.resolve(name_or_sparql)
        bound = _bind(saved, params)
        names, rows, _ = self.whole(saved, bound)
        return names, rows

    def whole(self, saved: SavedQuery, bound: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[set[str]]]:
        """A resolved question's whole answer with its parameters bound: as :meth:`answer`,
        with each column's IRIs."""
        file = str(saved.path) if saved.path else None
        if kept.applies(self, saved):
            return _values(*kept.answer(self, saved, lambda: self.select(saved.text, bound, file=file)))
        variables = page_by(saved.text, saved.page_by)
        index = self.key_index(variables[2]) if variables else None
        if variables and index is not None and not saved.one_query:
            # The question's own text, not its keyed form: a keyed form is written to fill
            # a page from few keys (recipients at 10,000 controllers, whole answer by key:
            # 1.0 s with the question's text, 1.6 s with its keyed form).
            known = _asked("answer", saved.text, bound)
            if known not in index.sparse:
                parts = keyed_answer(
                    saved.text,
                    variables,
                    index,
                    lambda q: self.select_values(q, bound, file=file),
                    lambda q: self.select(q, bound, file=file),
                )
                if parts is not None:
                    iris: list[set[str]] = [set() for _ in parts[0][0]]
                    for _, _, found in parts:
                        for column, more in zip(iris, found, strict=True):
                            column |= more
                    return parts[0][0], [row for part in parts for row in part[1]], iris
                index.sparse.add(known)
        return self.select_values(saved.text, bound, file=file)

    def key_index(self, kind: str = "controllers") -> KeyIndex | None:
        """The keys of a kind (``controllers``, ``recipients``) in name order, for pages built
        key by key (:mod:`ropakg.paging`); None where pages are always the engine's LIMIT/OFFSET."""
        return None

    def count(self, name_or_sparql: str, **params: Any) -> int:
        """How many rows the whole answer has (counted by the engine, without sorting)."""
        saved = self.resolve(name_or_sparql)
        bound = _bind(saved, params)
        # Parameters are bound inside the counted query (VALUES), where its variables live.
        text = bind_values(saved.text, {k: str(to_term(v)) for k, v in bound.items()})
        _, rows = self.select(count_query(text), file=str(saved.path) if saved.path else None)
        return int(rows[0][0].value) if rows else 0

    def query(
        self,
        name_or_sparql: str,
        *,
        labels: str | bool | None = None,
        limit: int | None = None,
        offset: int = 0,
        **params: Any,
    ) -> pd.DataFrame:
        """Run a saved question (by name) or SPARQL; a DataFrame, labels beside the IRIs.

        Args:
            name_or_sparql: a saved question's name (``ropa queries`` lists them) or a SELECT query.
            labels: language of the label columns (``en``, ``nb``, ``sv``); ``False`` for none.
                Defaults to the graph's ``lang``.
            limit, offset: one page of the answer (e.g. ``limit=PAGE_SIZE, offset=2 * PAGE_SIZE``
                for the third page), applied by the engine; all rows when ``limit`` is None.
            **params: values of the query's variables. A saved question checks them
                against its declared parameters and types; strings that are IRIs or CURIEs
                (``dpv:Consent``) are bound as IRIs.

        >>> kg.query("controllers-using-processor", recipient="org:google-llc")  # doctest: +SKIP
        >>> kg.query("personal-data", limit=1000)                             # doctest: +SKIP
        """
        lang = self.lang if labels is None or labels is True else labels
        if limit is None and not offset:
            saved = self.resolve(name_or_sparql)
            names, values, iris = self.whole(saved, _bind(saved, params))
            frame = pd.DataFrame(values, columns=names)
            return frame if lang is False or frame.empty else self._labelled(frame, iris, str(lang))
        names, rows = self.rows(name_or_sparql, limit=limit, offset=offset, **params)
        return self.table(names, rows, lang)

    def table(self, names: list[str], rows: list[list[Any]], labels: str | bool = False) -> pd.DataFrame:
        """Rows of RDF terms (as ``select`` gives them) as a DataFrame of Python values,
        with label columns in the language ``labels`` unless it is ``False``."""
        frame = pd.DataFrame([[to_python(t) for t in row] for row in rows], columns=names)
        if labels is False or frame.empty:
            return frame
        return self.with_labels(frame, rows, str(labels))

    # ------------------------------------------------------------------ labels
    def labels_for(self, iris: list[str], lang: str | None = None) -> dict[str, str]:
        """Human labels of IRIs in ``lang``, falling back to English, names and titles."""
        lang = _check_lang(lang or self.lang)
        found: dict[str, tuple[int, str]] = {}
        unique = sorted(set(iris))
        for start in range(0, len(unique), _LABEL_BATCH):
            batch = " ".join(str(ox.NamedNode(i)) for i in unique[start : start + _LABEL_BATCH])
            # The IRIs are serialized by the RDF engine, so they cannot break out of VALUES.
            sparql = _LABELS.replace("WHERE {", "WHERE {\n  VALUES ?s { " + batch + " }", 1)
            _, rows = self.select(sparql)
            for s, p, label in rows:
                tag = label.language if isinstance(label, ox.Literal) else None
                if tag not in (lang, "en", None):
                    continue
                rank = _LABEL_RANK.get((compact(p.value), tag == lang), 9)
                if tag is None or (tag == "en" and lang != "en" and p.value.endswith("prefLabel")):
                    rank = _LABEL_RANK.get((compact(p.value), False), 9)
                old = found.get(s.value)
                # between equals, a label that reads as words beats a CURIE-like one ("dct:title")
                if old is None or rank < old[0] or (rank == old[0] and ":" in old[1] and ":" not in label.value):
                    found[s.value] = (rank, label.value)
        return {iri: found[iri][1] if iri in found else compact(iri) for iri in unique}

    def with_labels(self, frame: pd.DataFrame, rows: list[list[Any]], lang: str) -> pd.DataFrame:
        """``frame`` with a ``<column>Label`` column after each column holding IRIs.

        A cell that is an IRI gets its label; IRIs inside a text cell (several values
        joined with `` | ``) are each replaced by theirs.
        """
        return self._labelled(frame, _values(list(frame.columns), rows)[2], lang)

    def _labelled(self, frame: pd.DataFrame, whole_iris: list[set[str]], lang: str) -> pd.DataFrame:
        """:meth:`with_labels`, given each column's cells that are IRIs."""
        iri_columns = []
        iris: set[str] = set()
        for column, whole in zip(frame.columns, whole_iris, strict=True):
            inside = {m for v in frame[column] if isinstance(v, str) for m in _IRI_IN_TEXT.findall(v)} - whole
            if whole or inside:
                iri_columns.append(column)
                iris |= whole | inside
        if not iri_columns:
            return frame
        names = self.labels_for(sorted(iris), lang)
        out = frame.copy()
        for column in iri_columns:
            if f"{column}Label" in out.columns:
                continue  # the query labels this column itself
            labels = [_relabel(v, names) for v in frame[column]]
            out.insert(out.columns.get_loc(column) + 1, f"{column}Label", labels)
        return out

    # ------------------------------------------------------------------ the Art. 30 record
    def controller_iri(self, controller: str) -> str:
        """The IRI of a controller given as IRI, CURIE, id (``expectit``) or name."""
        if controller.startswith("http"):
            return controller
        if ":" in controller:
            return str(to_term(controller).value)
        _, rows = self.select(
            "SELECT ?c ?name WHERE { ?c a dpv:DataController ; dpv:hasName ?name }",
        )
        for c, name in rows:
            if c.value == f"{ID}{controller}" or name.value.casefold() == controller.casefold():
                return str(c.value)
        known = ", ".join(sorted(c.value.removeprefix(str(ID)) for c, _ in rows))
        raise QueryError(f"no controller {controller!r} (known: {known})")

    def ropa(self, controller: str, lang: str | None = None) -> pd.DataFrame:
        """The Art. 30(1) record of one controller: one row per activity, labels in ``lang``.

        A field the policy does not state reads "not stated"; one it says there is none
        of reads "none (stated)".

        >>> kg.ropa("expectit", lang="nb")  # doctest: +SKIP
        """
        lang = _check_lang(lang or self.lang)
        raw = self.query("ropa-record", labels=False, controller=self.controller_iri(controller))
        iris = {m for column in raw.columns for v in raw[column] if isinstance(v, str) for m in _IRI_IN_TEXT.findall(v)}
        names = self.labels_for(sorted(iris), lang)
        # English titles are the record's own; in nb/sv, the policy's title where it is in that language.
        titles = (
            raw["title"]
            if lang == "en"
            else [names.get(a, t) for a, t in zip(raw["activity"], raw["title"], strict=True)]
        )
        out = pd.DataFrame({"activity": raw["activity"], "Activity": titles})
        for column, field in ROPA_FIELDS.items():
            cells = []
            for value, missing, none in zip(raw[column], raw["notStated"], raw["statedNone"], strict=True):
                if isinstance(value, str) and value:
                    cells.append(_sorted_parts(_relabel(value, names)))
                elif isinstance(none, str) and field in none:
                    cells.append(NONE_STATED[lang])
                elif isinstance(missing, str) and field in missing:
                    cells.append(NOT_STATED[lang])
                else:
                    cells.append("")
            out[ROPA_COLUMNS[column]] = cells
        return out

    def evidence(self, iri: str) -> pd.DataFrame:
        """The quotes, with offsets into the policy text, behind every statement about ``iri``."""
        return self.query("evidence", subject=iri)

    # ------------------------------------------------------------------ networkx
    def to_networkx(self) -> nx.MultiDiGraph:
        """Controllers, activities, recipients and countries as a typed directed graph.

        Nodes have ``type`` (controller, activity, recipient, country) and ``label``; edges
        have ``type`` (has_activity, discloses_to, located_in, transfers_to).
        """
        import networkx as nx

        g = nx.MultiDiGraph()
        _, rows = self.select(_NETWORK)
        iris = {t.value for row in rows for t in row if isinstance(t, ox.NamedNode)}
        names = self.labels_for(sorted(iris))
        for source, source_type, edge, target, target_type in rows:
            for node, kind in ((source, source_type), (target, target_type)):
                g.add_node(node.value, type=kind.value, label=names.get(node.value, node.value))
            g.add_edge(source.value, target.value, type=edge.value)
        return g


_NETWORK = """
SELECT ?s ?st ?edge ?o ?ot WHERE {
  {
    ?s dpv:hasRecordOfActivity/dpv:hasProcess ?o .
    BIND("controller" AS ?st) BIND("has_activity" AS ?edge) BIND("activity" AS ?ot)
  } UNION {
    ?s a dpv:PersonalDataProcess ; dpv:hasRecipient ?o .
    BIND("activity" AS ?st) BIND("discloses_to" AS ?edge) BIND("recipient" AS ?ot)
  } UNION {
    ?a dpv:hasRecipient ?s . ?s dpv:hasCountry ?o .
    BIND("recipient" AS ?st) BIND("located_in" AS ?edge) BIND("country" AS ?ot)
  } UNION {
    ?s a dpv:DataController ; dpv:hasCountry ?o .
    BIND("controller" AS ?st) BIND("located_in" AS ?edge) BIND("country" AS ?ot)
  } UNION {
    ?s dpv:hasProcessing ?t . ?t a dpv:CrossBorderTransfer .
    { ?t dpv:hasThirdCountry ?o } UNION { ?t dpv:hasCountry ?o }
    BIND("activity" AS ?st) BIND("transfers_to" AS ?edge) BIND("country" AS ?ot)
  }
}
"""


def _bind(saved: SavedQuery, params: dict[str, Any]) -> dict[str, Any]:
    """A saved question's parameters checked and converted; ad hoc SPARQL's as given."""
    return saved.bind(params) if saved.params or saved.path else params


def _asked(what: str, form: str, bound: dict[str, Any]) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """What a key index remembers a question by when it is found sparse: pages or whole
    answers, the text asked and its bound parameters."""
    return what, form, tuple(sorted((k, str(to_term(v))) for k, v in bound.items()))


def _values(names: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]], list[set[str]]]:
    """Rows of terms as Python values, and each column's IRIs."""
    iris = [{row[i].value for row in rows if isinstance(row[i], ox.NamedNode)} for i in range(len(names))]
    return names, [[to_python(t) for t in row] for row in rows], iris


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise QueryError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def _relabel(value: Any, names: dict[str, str]) -> Any:
    """An IRI, or the IRIs inside a text, replaced by their labels."""
    if not isinstance(value, str):
        return value
    return _IRI_IN_TEXT.sub(lambda m: names.get(m.group(0), m.group(0)), value)


def _sorted_parts(value: Any) -> str:
    """A GROUP_CONCAT cell with its parts in a stable order (SPARQL leaves it open)."""
    if not isinstance(value, str) or not value:
        return "" if value is None else value
    return " | ".join(sorted(set(value.split(" | "))))
