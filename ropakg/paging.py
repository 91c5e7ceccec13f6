"""Pages of a question by controller, instead of sorting the whole answer.

A page of ``... ORDER BY ?controllerName ... LIMIT 1000`` makes the engine evaluate and
sort the whole answer (hundreds of thousands of rows on a sector graph) to return the
first thousand. Most saved questions sort by the controller's name first, so a page can
be built controller by controller instead: the data controllers, in the engine's order
of their names (one cheap query, kept per loaded graph), are taken in batches; each batch
is bound to the question with ``VALUES (?controller ?controllerName)`` and its rows are
appended until the page is full. The engine then reads only the batch's own triples.

The pages are the same rows in the same order as the plain ``LIMIT``/``OFFSET`` page:

- a batch holds whole groups of controllers with the same name (same lexical form), so
  rows tied on the name, and DISTINCT across them, are settled inside one query by the
  question's own ORDER BY;
- batches follow the engine's order of the names, the question's first sort key, and the
  name is projected, so no row of a later batch sorts before a row of an earlier one.

A question opts in with a header naming its key and name variables, which its ORDER BY
must start with, and the kind of key: ``controllers`` (the default) or ``recipients``
(``tests/test_paging.py`` checks every saved question that does, page by page, against
the plain page)::

    #+ page-by: ?controller ?controllerName
    #+ page-by: ?recipient ?recipientName recipients

Each batch query also carries a LIMIT of the rows still missing: its rows come in the
question's order, so only its first ones can be on the page.

Where few controllers have rows (an answer of a few dozen rows among 100,000
controllers), batching would read every controller. A batch looks each controller's
triples up one by one, which costs more per controller than the plain page's evaluation
of the whole answer (4 to 6 times, measured on the sparse risk questions at 10,000
controllers); so once the rows seen so far say more than a quarter of the remaining
controllers would be needed (:data:`SPARSE`), the plain page is used instead; and the
key index remembers it, so the question's next pages on the same loaded graph go to the
plain page without reading the sample again (an empty answer: 1.2 to 0.2 ms at 10,000
controllers).

A question's keyed form (``#+ keyed-form``) may say where the batch is bound and what does
not depend on it:

- ``#+ keys`` on a line of its own: the batch's VALUES go there, at each such line, instead
  of at the start of the WHERE pattern (in each branch of a UNION: bound outside it, the
  branches would be evaluated again for every row joined to them);
- ``#+ table`` on the line before a subquery ``{ SELECT ... }`` that does not use the keys:
  it is evaluated once per loaded graph and each batch carries its rows
  (:func:`with_tables`).

Both are comments to the engine: the keyed form run as it is gives the question's answer.
"""

from __future__ import annotations

import math
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar

import pyoxigraph as ox

from ropakg.errors import QueryError
from ropakg.queries import TABLE
from ropakg.sparql import (
    group_after,
    has_window,
    order_keys,
    paginate,
    projection,
    values_block,
    values_of,
    values_row,
    where_brace,
)

INDEXES = {
    "controllers": "SELECT ?key ?name WHERE { ?key a dpv:DataController ; dpv:hasName ?name } ORDER BY ?name",
    # Named things that are some activity's recipient (EXISTS: 57 ms at 10,000 controllers,
    # where DISTINCT over every dpv:hasRecipient took 2.2 s).
    "recipients": "SELECT ?key ?name WHERE { ?key dpv:hasName ?name FILTER EXISTS { [] dpv:hasRecipient ?key } } "
    "ORDER BY ?name",
}
"""The keys of each kind with their names, in the order a question's ORDER BY sorts them:
data controllers, and recipients of some activity."""

FIRST_BATCH = 16
"""Keys in the first batch; later batches are sized from the rows seen so far. Small, for
questions with many rows per key (a batch of 64 recipients took 200 ms at 10,000
controllers for `data-reaching-recipients`, where 16 give a page of 1,000 rows in 55 ms)."""
GROWTH = 32
"""A batch has at most GROWTH times the keys of the one before."""
SAMPLE = 64
"""Keys read, while no rows are found, before the plain page is chosen instead."""
SPARSE = 4
"""The plain page is used once more than 1/SPARSE of the remaining keys would be needed."""
MAX_BATCH = 800
"""At most this many controllers in one VALUES block: Oxigraph's plan changes between 1,000
and 1,500 values (a batch of 1,500 took 4.3 s where 800 took 0.16 s, on 10,000 controllers)."""

WORKERS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
"""Parts of a batch evaluated at once: one per core, at most 4 (two parts of 320 controllers
took 52 to 61 ms on 2 cores where one after the other took 104 to 111 ms)."""
DENSE = 1.0
"""A whole answer is built key by key where the first keys have at least this many rows a
key on average; a sparser answer is cheaper as one query over the whole graph."""
SPREAD = 4
"""A whole answer by key is split into at least this many batches a worker where the keys
allow it, of even size, so that the workers finish together however the rows fall among
the keys. ``data-reaching-recipients`` at 10,000 controllers (1,000 recipients) was a batch
of 800 recipients with 192,000 of its 241,000 rows beside a batch of 136: 3.4 s; as 8
batches of 117 recipients, 2.1 s (4 batches: 2.6 s; 32: 2.1 s). Questions by controller
there are 14 batches whichever, within the noise; 32 made two of them 1.2 and 1.7 times
slower."""
PART = 64
"""A batch is split only into parts of at least this many keys."""
MAX_PART = 256
"""At most this many keys in one query of a page, whatever the batch: the engine's plan for
a keyed form can change well below :data:`MAX_BATCH` keys. ``transfers-without-mechanism``'s,
with its table of recipients outside the EEA, took 39 ms for 300 controllers and 1.1 s for
384 at 10,000 (its second page took 2.6 s, in parts of 400; now 0.5 s). Whole answers by key
run the question's own text, in batches of up to :data:`MAX_BATCH` (parts of 256 there
measured within the noise, up to 18 % slower for some)."""

Rows = tuple[list[str], list[list[Any]]]
Select = Callable[[str], Rows]
Answer = TypeVar("Answer", bound=tuple[Any, ...])
"""What a batch's query gives: variable names and rows first (terms, or Python values with more)."""


class KeyIndex:
    """The (key, name) pairs in name order, with where each name group starts."""

    def __init__(self, pairs: Sequence[Sequence[Any]]) -> None:
        self.pairs = [(k, n) for k, n in pairs]
        self.sparse: set[Any] = set()
        """Questions (text and bound parameters) found too sparse for keyed pages on this
        graph: their pages go straight to the plain page, without reading the sample again."""
        self._rows: list[str] | None = None
        self.tables: dict[str, str] = {}
        """The keyed forms' tables (``#+ table``) evaluated on this graph, by their query:
        the group that replaces them (:func:`with_tables`)."""
        # Group ends: a batch may only end where the name's lexical form changes.
        self.ends = [
            i + 1
            for i in range(len(self.pairs))
            if i + 1 == len(self.pairs) or self.pairs[i + 1][1].value != self.pairs[i][1].value
        ]

    def __len__(self) -> int:
        return len(self.pairs)

    def values_rows(self, start: int, end: int) -> str:
        """Keys ``start`` to ``end`` with their names as the rows of a VALUES block
        (each pair serialized once per index)."""
        if self._rows is None:
            self._rows = [values_row((str(k), str(n))) for k, n in self.pairs]
        return " ".join(self._rows[start:end])

    def batch_end(self, start: int, size: int) -> int:
        """The end of the name group that contains position ``start + size - 1``."""
        want = min(start + max(size, 1), len(self.pairs))
        return self.ends[bisect_left(self.ends, want)]


def keyed_answer(
    text: str,
    variables: tuple[str, str, str],
    index: KeyIndex,
    select: Callable[[str], Answer],
    tables: Select | None = None,
) -> list[Answer] | None:
    """The whole answer as the answers of batches of keys, in order (their rows, one batch
    after the other, are the question's rows in its order), the batches evaluated at once,
    one per core; None where the plain answer is cheaper: the first :data:`SAMPLE` keys have
    fewer than :data:`DENSE` rows a key. ``tables`` answers the form's tables (``#+ table``)
    as terms, where ``select`` may give other values."""
    if TABLE.search(text):
        if tables is None:
            raise ValueError("a keyed form with tables needs a select of terms for them")
        text = with_tables(text, index, tables)

    def batch(start: int, end: int) -> str:
        return _batch(text, variables, index, start, end)

    end = index.batch_end(0, SAMPLE)
    first = select(batch(0, end))
    if end < len(index) and len(first[1]) < DENSE * end:
        return None
    return [first, *_evaluate(select, [batch(a, b) for a, b in _batches(index, end)])]


def with_tables(text: str, index: KeyIndex, select: Select) -> str:
    """A keyed form with each subquery after a ``#+ table`` line evaluated (once per loaded
    graph: kept on the key index) and replaced by its rows as VALUES, in a subquery of their
    own, which the engine joins by hash.

    Evaluating such a subquery in every batch costs in proportion to the graph, not to the
    batch (the recipients outside the EEA: 52 ms at 100,000 controllers, for each of a page's
    batches); the same rows as VALUES in a subquery are joined for a few milliseconds, where
    VALUES bare in the pattern would be read first and each of their rows looked up.
    """
    out, at = [], 0
    for mark in TABLE.finditer(text):
        opened, closed = group_after(text, mark.end())
        query = text[opened + 1 : closed - 1].strip()
        group = index.tables.get(query)
        if group is None:
            names, rows = select(query)
            if any(isinstance(cell, ox.BlankNode) for row in rows for cell in row):
                raise QueryError("a table (#+ table) answered with a blank node, which VALUES cannot hold")
            cells = [["UNDEF" if cell is None else str(cell) for cell in row] for row in rows]
            group = index.tables[query] = f"{{ SELECT * WHERE {{ {values_block(names, cells)} }} }}"
        out += [text[at : mark.start()], group]
        at = closed
    return "".join(out) + text[at:]


KEYS = re.compile(
    r"^[ \t]*#\+ keys[ \t]*$(?P<named>\n[ \t]*\?(?P<key>\w+) dpv:hasName \?(?P<name>\w+) \.[ \t]*$)?", re.M
)
"""A keyed form's line ``#+ keys``: where a batch's keys are bound, in place of the line
(at each such line), instead of at the start of the outermost WHERE pattern. A line
``?key dpv:hasName ?name .`` right after it, of the page-by variables, goes too: every key
of a batch has the name it is bound with (the key index is read with that pattern), and
looking it up again walks every quad of the key (5 ms a batch of 256 controllers at
10,000)."""


def _batch(text: str, variables: tuple[str, str, str], index: KeyIndex, start: int, end: int) -> str:
    """The question for keys ``start`` to ``end``: they and their names bound with VALUES,
    at the start of the WHERE pattern or at each of its ``#+ keys`` lines."""
    return values_of(list(variables[:2]), index.values_rows(start, end)).join(_batch_pieces(text, *variables[:2]))


@lru_cache(maxsize=64)
def _batch_pieces(text: str, key: str, name: str) -> tuple[str, ...]:
    """The text around where a batch's VALUES go: its ``#+ keys`` lines (and the key's own
    name line after one), or else the start of its WHERE pattern (as :func:`ropakg.sparql.with_values`
    puts them). Once a text: searching the text for them took a millisecond a batch (a
    keyed form with its tables is 40 kB)."""
    pieces, at = [], 0
    for mark in KEYS.finditer(text):
        pieces.append(text[at : mark.start()])
        own = mark["named"] is None or (mark["key"], mark["name"]) == (key, name)
        at = mark.end() if own else mark.start("named")
    if not pieces:
        brace = where_brace(text)
        if brace < 0:
            raise QueryError("cannot bind values: the query has no WHERE pattern")
        return (text[: brace + 1] + " ", text[brace + 1 :])
    pieces.append(text[at:])
    return tuple(pieces)


def _batches(index: KeyIndex, start: int) -> list[tuple[int, int]]:
    """Keys ``start`` to the end of the index as the batches of a whole answer, each ending
    where a name group ends: of even size (to a name group), at most :data:`MAX_BATCH` keys,
    at least :data:`PART` where there are that many, and :data:`SPREAD` a worker, rounded up
    to a multiple of :data:`WORKERS`, where that many batches of :data:`PART` fit."""
    keys = len(index) - start
    least, most = math.ceil(keys / MAX_BATCH), max(keys // PART, 1)
    want = math.ceil(max(least, SPREAD * WORKERS) / WORKERS) * WORKERS
    return _runs(index, start, len(index), max(least, min(want, most), 1))


def _parts(index: KeyIndex, start: int, end: int) -> list[tuple[int, int]]:
    """Keys ``start`` to ``end`` as up to :data:`WORKERS` runs of at least :data:`PART` keys,
    or more where runs of at most :data:`MAX_PART` keys need more, each ending where a name
    group ends."""
    keys = end - start
    return _runs(index, start, end, max(min(WORKERS, max(keys // PART, 1)), math.ceil(keys / MAX_PART)))


def _runs(index: KeyIndex, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """Keys ``start`` to ``end`` as at most ``count`` runs, one after the other, each ending
    where a name group ends (or at ``end``): every run but the last has the count's even
    share of the keys, or a name group more, so ``count`` of them reach ``end``."""
    size = math.ceil((end - start) / count)
    out = []
    while start < end:
        out.append((start, min(index.batch_end(start, size), end)))
        start = out[-1][1]
    return out


_POOL: ThreadPoolExecutor | None = None


def _evaluate(select: Callable[[str], Answer], texts: list[str]) -> list[Answer]:
    """Each query's answer, in order; several at once on threads (the engine evaluates a
    query without holding Python's global lock)."""
    global _POOL
    if len(texts) == 1:
        return [select(texts[0])]
    if _POOL is None:
        _POOL = ThreadPoolExecutor(WORKERS, thread_name_prefix="ropakg-page")
    return list(_POOL.map(select, texts))


@lru_cache(maxsize=256)  # a question's text is read again for each of its pages
def page_by(text: str, variables: tuple[str, str, str] | None) -> tuple[str, str, str] | None:
    """The question's page-by variables if its text allows keyed pages, else None.

    The query must have no LIMIT/OFFSET of its own and an ORDER BY whose first key is the
    name variable and that sorts by every projected variable (rows tied on every sort key
    could otherwise come in another order in a batch than in the whole answer).
    """
    if not variables or has_window(text):
        return None
    keys = order_keys(text)
    if not keys or keys[0] not in (f"?{variables[1]}", f"ASC(?{variables[1]})"):
        return None
    projected = projection(text)
    sorted_by = {v for key in keys for v in re.findall(r"\?(\w+)", key)}
    return variables if projected is not None and projected <= sorted_by else None


def margin(rows: int) -> float:
    """How many more keys than the rate so far says a batch takes, after ``rows`` rows: the
    rate's relative error shrinks as one over the square root of the rows it is counted
    from, so the margin is two such errors, between 5% and 50%. (A flat 50% read 630 keys
    where 460 gave the last 440 rows of transfers-without-mechanism's first page at 10,000
    controllers: 100 to 88 ms.)"""
    return min(1.5, max(1.05, 1 + 2 / math.sqrt(max(rows, 1))))


def keyed_page(
    text: str,
    variables: tuple[str, str, str],
    index: KeyIndex,
    select: Select,
    limit: int,
    offset: int = 0,
) -> Rows | None:
    """Rows ``offset`` to ``offset + limit`` of the question, batch by batch; None where the
    plain page is cheaper (the answer is too sparse among the controllers)."""
    need = offset + limit
    text = with_tables(text, index, select)
    names: list[str] | None = None
    rows: list[list[Any]] = []
    pos, size = 0, FIRST_BATCH
    while pos < len(index) and len(rows) < need:
        end = index.batch_end(pos, size)
        # The batch's rows are in the question's order: only its first rows can be needed.
        # A large batch is split into parts evaluated at once, one per core; the parts'
        # rows, taken in key order, are the batch's rows.
        texts = [paginate(_batch(text, variables, index, a, b), need - len(rows)) for a, b in _parts(index, pos, end)]
        for answer in _evaluate(select, texts):
            names = answer[0]
            rows.extend(answer[1][: max(need - len(rows), 0)])
        pos = end
        if len(rows) >= need or pos >= len(index):
            break
        rate = len(rows) / pos
        left = len(index) - pos
        wanted = math.inf if rate == 0 else (need - len(rows)) / rate
        if wanted > left / SPARSE and (rate > 0 or pos >= SAMPLE):
            return None
        # No rows yet: read up to the sample, then decide; else the keys still wanted at
        # the rate so far, with a margin for the rate's error, growing at most GROWTH-fold.
        grown = SAMPLE - pos if rate == 0 else min(math.ceil(wanted * margin(len(rows))) + 1, GROWTH * size)
        size = max(FIRST_BATCH, min(grown, MAX_BATCH))
    if names is None:
        names, _ = select(_batch(text, variables, index, 0, 0))
    return names, rows[offset:need]
