"""The library of saved questions: one ``.rq`` file each, with a metadata header.

A header is a run of comment lines at the top of the file::

    #+ title: Processors outside the EEA
    #+ description: Processors and recipients whose country is not in the EEA.
    #+ params: controller: iri = https://w3id.org/ropa-kg/id/expectit

``params`` lines declare ``name: type = default`` (types: iri, string, date, integer,
decimal); a parameter without a default is required. ``page-by: ?controller ?controllerName``
lets pages be built controller by controller (:mod:`ropakg.paging`; ``... recipients`` after
the variables: recipient by recipient). ``keyed-form: keyed/<name>.rq`` names the same
question written to start from that key, which keyed pages use instead of the question's
text: same SELECT clause and ORDER BY, and the same answer (``tests/test_paging.py``).
Whole answers of such questions are built key by key too, from the question's own text (a
keyed form is written to fill one page from few keys), unless ``whole-answer: one-query``
says one query over the whole graph is faster for it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ropakg.errors import QueryError
from ropakg.namespaces import expand
from ropakg.sparql import check_syntax, order_keys, select_clause

TABLE = re.compile(r"^[ \t]*#\+ table[ \t]*$", re.M)
"""A keyed form's line ``#+ table`` before a subquery whose answer does not depend on the
batch of keys (:func:`ropakg.paging.with_tables`)."""
_HEADER = re.compile(r"^#\+\s*([\w-]+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^\s*(\w+)\s*:\s*(iri|string|date|integer|decimal)\s*(?:=\s*(.*?))?\s*$")
TYPES = ("iri", "string", "date", "integer", "decimal")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None

    def convert(self, value: Any) -> Any:
        """The value as the term the query needs; QueryError names the parameter."""
        if isinstance(value, ox.NamedNode | ox.Literal):
            return value
        text = str(value).strip()
        try:
            if self.type == "iri":
                if re.match(r"^[a-z][a-z0-9-]*:[^/]", text) and not text.startswith("http"):
                    text = expand(text)
                if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", text):
                    raise ValueError("not an IRI")
                return ox.NamedNode(text)
            if self.type == "date":
                if isinstance(value, dt.date):
                    return value
                return dt.date.fromisoformat(text)
            if self.type == "integer":
                return int(text)
            if self.type == "decimal":
                return Decimal(text)
        except (ValueError, KeyError, InvalidOperation):
            raise QueryError(
                f"parameter {self.name!r} must be {_article(self.type)} {self.type}, not {text!r}"
            ) from None
        return text


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)
    page_by: tuple[str, str, str] | None = None
    """The key and key-name variables its ORDER BY starts with, and the key's kind (``#+ page-by``)."""
    kept: bool = False
    """Its whole answer is kept beside the build once computed (``#+ kept: build``;
    :mod:`ropakg.kept`): aggregates over the whole graph, which no key can page."""
    keyed: str | None = None
    """The same question written to start from the page-by key, used for keyed pages only
    (``#+ keyed-form: keyed/<name>.rq``, beside the question): the engine plans a query
    once, so the form that looks a batch of keys up fast can be slow for the whole answer."""
    one_query: bool = False
    """Its whole answer is one query over the whole graph even though it pages by key
    (``#+ whole-answer: one-query``): measured faster than batches of keys for it."""

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Parameter values by name, converted, with defaults; errors name the parameter."""
        known = {p.name for p in self.params}
        for name in values:
            if name not in known:
                raise QueryError(
                    f"unknown parameter {name!r} for {self.name}"
                    + (f" (takes {', '.join(sorted(known))})" if known else " (it takes none)")
                )
        bound: dict[str, Any] = {}
        for p in self.params:
            if p.name in values and values[p.name] is not None:
                bound[p.name] = p.convert(values[p.name])
            elif p.default is not None:
                bound[p.name] = p.convert(_default(p.default))
            else:
                raise QueryError(f"missing parameter {p.name!r} ({p.type}) for {self.name}")
        return bound


def _default(text: str) -> str:
    return dt.date.today().isoformat() if text == "today" else text


def parse(text: str, name: str = "query", path: Path | None = None) -> SavedQuery:
    meta: dict[str, str] = {}
    params: list[Param] = []
    for key, value in _headers(text):
        if key == "params":
            for part in filter(None, (p.strip() for p in value.split(";"))):
                pm = _PARAM.match(part)
                if not pm:
                    raise QueryError(f"bad params line {part!r} (want name: type = default)", file=path)
                params.append(Param(pm.group(1), pm.group(2), pm.group(3)))
        else:
            meta[key] = value
    page_by = None
    if "page-by" in meta:
        found = re.fullmatch(r"\?(\w+)\s+\?(\w+)(?:\s+(controllers|recipients))?", meta["page-by"])
        if not found:
            raise QueryError(
                f"bad page-by line {meta['page-by']!r} (want ?key ?name [controllers|recipients])", file=path
            )
        page_by = (found.group(1), found.group(2), found.group(3) or "controllers")
    kept = meta.get("kept")
    if kept not in (None, "build"):
        raise QueryError(f"bad kept line {kept!r} (want: build)", file=path)
    if kept and params:
        raise QueryError("a kept answer is for the whole graph: a question with params cannot be kept", file=path)
    keyed = _keyed_form(meta["keyed-form"], text, page_by, path) if "keyed-form" in meta else None
    if keyed and params and TABLE.search(keyed):
        raise QueryError(
            "its keyed form's tables are kept per loaded graph: a question with params cannot have them", file=path
        )
    whole = meta.get("whole-answer")
    if whole not in (None, "one-query", "by-key"):
        raise QueryError(f"bad whole-answer line {whole!r} (want: one-query or by-key)", file=path)
    if whole and page_by is None:
        raise QueryError("a whole-answer line is for questions with a page-by line", file=path)
    return SavedQuery(
        name,
        path,
        text,
        meta.get("title", ""),
        meta.get("description", ""),
        tuple(params),
        page_by,
        kept == "build",
        keyed,
        whole == "one-query",
    )


def _keyed_form(ref: str, text: str, page_by: tuple[str, str, str] | None, path: Path | None) -> str:
    """The text of a question's keyed form: it must answer with the same columns in the
    same order (its SELECT clause and ORDER BY are the question's own)."""
    if page_by is None:
        raise QueryError("a keyed form is for keyed pages: the question needs a page-by line", file=path)
    if path is None:
        raise QueryError("a keyed form is read beside the question's file: the question has none")
    form = path.parent / ref
    try:
        keyed = form.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read its keyed form {ref!r}: {exc}", file=path) from None
    if select_clause(keyed) != select_clause(text) or order_keys(keyed) != order_keys(text):
        raise QueryError(f"its keyed form {ref!r} has another SELECT clause or ORDER BY than the question", file=path)
    check_syntax(keyed, file=str(form))  # errors name the keyed form's own line
    return keyed


def library(folder: Path) -> dict[str, SavedQuery]:
    """Every saved query in ``folder``, by name (the file stem)."""
    return {p.stem: _parsed(p) for p in sorted(folder.glob("*.rq"))}


@dataclass(frozen=True)
class _Known:
    """A question file as last parsed: its text, its keyed form's, what they parsed to, and
    the two files' stat signatures when that text was read (None for a file that did not
    look settled then)."""

    text: str
    keyed: str | None
    saved: SavedQuery
    form: Path | None
    signatures: tuple[tuple[int, int, int] | None, tuple[int, int, int] | None] | None


_PARSED: dict[Path, _Known] = {}
"""Each question file's text, its keyed form's text and what they parsed to: a page asks for
its question by name, and parsing every file (the keyed forms' syntax checked) took 3.4 ms."""

SETTLED_NS = 2_000_000_000
"""A file last changed this long before it was read is known by its stat signature after:
a later edit gives it another modification time. A file changed closer to the read could
be edited again within the same tick of the file system's clock, so it is read again."""


def _signature(path: Path, read_at: int | None = None) -> tuple[int, int, int] | None:
    """``path``'s (modification time, size, inode), None where it is missing or, given the
    time it was read, changed too close to it to be told apart from a later edit."""
    try:
        st = path.stat()
    except OSError:
        return None
    if read_at is not None and st.st_mtime_ns > read_at - SETTLED_NS:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _parsed(path: Path) -> SavedQuery:
    """A question file parsed, again only when its text or its keyed form's text changed.

    Settled files that kept their stat signatures are not read at all (a page of a small
    question at 10,000 controllers spent a fifth of its 0.5 ms reading its file)."""
    known = _PARSED.get(path)
    if known and known.signatures == (_signature(path), _signature(known.form) if known.form else None):
        return known.saved  # settled when read (signatures not None) and unchanged since
    read_at = time.time_ns()
    text = path.read_text("utf-8")
    ref = _header(text, "keyed-form")
    form = path.parent / ref if ref else None
    if known and known.text == text and (form is None or _read(form) == known.keyed):
        saved = known.saved
    else:
        saved = parse(text, path.stem, path)
    _PARSED[path] = _Known(text, saved.keyed, saved, form, _signatures(path, form, read_at))
    return saved


def _signatures(
    path: Path, form: Path | None, read_at: int
) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None] | None:
    """The question's and its keyed form's signatures if both look settled, else None."""
    own = _signature(path, read_at)
    keyed = _signature(form, read_at) if form else None
    if own is None or (form is not None and keyed is None):
        return None
    return own, keyed


def _headers(text: str) -> Iterator[tuple[str, str]]:
    """The ``#+ key: value`` lines of a question's header (the comments before its first
    other line), as (lower-case key, value)."""
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            yield m.group(1).lower(), m.group(2).strip()


def _header(text: str, key: str) -> str | None:
    """One header line's value as :func:`parse` takes it (the last such line), None where
    the header has none."""
    return dict(_headers(text)).get(key)


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def resolve(ref: str, folder: Path, stdin_text: str | None = None) -> SavedQuery:
    """A query from a file path, ``-`` (standard input) or a saved query's name."""
    if ref == "-":
        return parse(stdin_text or "", "stdin")
    path = Path(ref)
    if ref.endswith(".rq") or path.is_file():
        try:
            return parse(path.read_text("utf-8"), path.stem, path)
        except FileNotFoundError:
            raise QueryError("query file not found", file=path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file: {exc}", file=path) from None
    own = folder / f"{ref}.rq"
    if path.name == ref and own.is_file():
        return _parsed(own)  # only this question's file (and keyed form) is read
    saved = library(folder)
    if ref in saved:
        return saved[ref]
    close = difflib.get_close_matches(ref, list(saved), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `ropa queries` lists them"
    raise QueryError(f"no saved query named {ref!r}{hint}")
