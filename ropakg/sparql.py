"""User SPARQL is untrusted: read-only, no SERVICE, clear syntax errors.

``check_query`` refuses updates and federated queries (``SERVICE`` would let a query
reach the network) before the engine sees them; ``syntax_error`` turns the engine's
message into a :class:`QuerySyntaxError` with line and column.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ropakg.errors import QueryError, QuerySyntaxError

# Strings, IRIs and comments first, so that keywords inside them are not seen.
_TOKENS = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*)'
    r"|(?P<word>[A-Za-z_][A-Za-z_0-9]*)|(?P<brace>\{)",
)
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_ENGINE_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def keywords(query: str) -> list[tuple[str, int, int]]:
    """Bare words of a query outside strings, IRIs and comments, with line and column."""
    out = []
    for m in _TOKENS.finditer(query):
        if m.group("word"):
            start = m.start("word")
            line = query.count("\n", 0, start) + 1
            column = start - (query.rfind("\n", 0, start) + 1) + 1
            out.append((m.group("word"), line, column))
    return out


@lru_cache(maxsize=256)  # a query that passed passes again; a refused one raises each time
def check_query(query: str) -> None:
    """Refuse SPARQL Update and SERVICE; raise :class:`QueryError` naming line and column.

    >>> check_query("SELECT * WHERE { ?s ?p 'SERVICE' }")
    >>> check_query("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    ropakg.errors.QueryError: 1:1: updates are refused: the graph is read-only (DELETE)
    """
    words = keywords(query)
    for word, line, column in words:
        upper = word.upper()
        if upper == "SERVICE":
            raise QueryError("SERVICE is refused: queries may not reach other endpoints", line=line, column=column)
    # An update starts with an update keyword where a query would start with SELECT etc.
    body = _PROLOGUE.sub("", _without_comments(query))
    head = re.match(r"[A-Za-z]+", body)
    if head and head.group(0).upper() in _UPDATE:
        offset = len(query) - len(body)  # comments keep their length, so offsets match
        line = query.count("\n", 0, offset) + 1
        column = offset - (query.rfind("\n", 0, offset) + 1) + 1
        raise QueryError(
            f"updates are refused: the graph is read-only ({head.group(0).upper()})", line=line, column=column
        )


_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[A-Za-z0-9_.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.I)


def _without_comments(query: str) -> str:
    """The query with each comment blanked out (same length, so offsets still hold)."""

    def blank(m: re.Match[str]) -> str:
        text = m.group(0)
        return " " * len(text) if m.group("skip") and text.startswith("#") else text

    return _TOKENS.sub(blank, query)


def syntax_error(message: str, *, prefix_lines: int = 0, file: str | None = None) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` from the engine's message, lines counted in the user's text."""
    m = _ENGINE_ERROR.search(message)
    if not m:
        return QuerySyntaxError(f"SPARQL syntax error: {message}", file=file)
    line, column, detail = int(m.group(1)) - prefix_lines, int(m.group(2)), m.group(3)
    detail = " ".join(detail.split())
    if len(detail) > 120:
        detail = detail[:117] + "..."
    return QuerySyntaxError(f"SPARQL syntax error: {detail}", file=file, line=max(line, 1), column=column)


def where_brace(query: str) -> int:
    """Offset of the ``{`` that opens the outermost WHERE pattern, or -1."""
    seen_where = False
    form_seen = False
    for m in _TOKENS.finditer(query):
        word = (m.group("word") or "").upper()
        if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form_seen = True
        elif word == "WHERE":
            seen_where = True
        elif m.group("brace") and form_seen:
            # CONSTRUCT's first brace is its template; its pattern follows WHERE.
            first_form = next(
                w for w, _, _ in keywords(query) if w.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
            )
            if seen_where or first_form.upper() != "CONSTRUCT":
                return m.start()
    return -1


def bind_values(query: str, bindings: dict[str, str]) -> str:
    """Pre-bind variables with a VALUES block at the start of the outermost WHERE pattern.

    ``bindings`` maps variable names to terms already serialized by the RDF engine
    (``str()`` of an Oxigraph term, which escapes them), so no user text reaches the
    query unescaped. This is the portable SPARQL 1.1 way to bind values: it works on any
    endpoint, with aggregates, and for variables a query does not project.

    >>> bind_values("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }", {"t": "<urn:x>"})
    'SELECT (COUNT(*) AS ?n) WHERE { VALUES (?t) { (<urn:x>) } ?s a ?t }'
    """
    if not bindings:
        return query
    return with_values(query, list(bindings), [list(bindings.values())], what="parameters")


def with_values(query: str, names: list[str], rows: list[list[str]], *, what: str = "values") -> str:
    """``query`` with ``VALUES (?names...) { (row) ... }`` at the start of its outermost
    WHERE pattern; the terms in ``rows`` are already serialized by the RDF engine.

    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", ["s", "o"], [["<urn:a>", "1"], ["<urn:b>", "2"]])
    'SELECT ?s WHERE { VALUES (?s ?o) { (<urn:a> 1) (<urn:b> 2) } ?s ?p ?o }'
    """
    at = where_brace(query)
    if at < 0:
        raise QueryError(f"cannot bind {what}: the query has no WHERE pattern")
    return f"{query[: at + 1]} {values_block(names, rows)}{query[at + 1 :]}"


def values_block(names: list[str], rows: list[list[str]]) -> str:
    """``VALUES (?names...) { (row) ... }``; the terms in ``rows`` are already serialized.

    >>> values_block(["s"], [["<urn:a>"]])
    'VALUES (?s) { (<urn:a>) }'
    """
    return values_of(names, " ".join(values_row(row) for row in rows))


def values_row(cells: list[str] | tuple[str, ...]) -> str:
    """One row of a VALUES block, its terms already serialized."""
    return f"({' '.join(cells)})"


def values_of(names: list[str], body: str) -> str:
    """A VALUES block of rows already written (:func:`values_row`, joined by spaces)."""
    head = " ".join(f"?{name}" for name in names)
    return f"VALUES ({head}) {{ {body} }}"


def group_after(query: str, start: int) -> tuple[int, int]:
    """The first group (``{ ... }``) that opens at or after offset ``start``, outside
    strings, IRIs and comments: the offsets of its ``{`` and just after its ``}``.

    >>> group_after('x { "}" { <a> } } y', 0)
    (2, 17)
    """
    depth, opened = 0, -1
    for m in _BRACES.finditer(query, start):
        if m.group("brace") == "{":
            if depth == 0:
                opened = m.start()
            depth += 1
        elif m.group("brace") == "}" and depth:
            depth -= 1
            if depth == 0:
                return opened, m.end()
    raise QueryError(f"no group after offset {start}")


def check_syntax(query: str, *, file: str | None = None) -> None:
    """Raise :class:`QuerySyntaxError` (line and column in ``query``) if it does not parse.

    The query is parsed (and run) by the embedded engine over an empty store, with the
    project's prefixes declared, so errors point into the text the user wrote.
    """
    import pyoxigraph as ox

    from ropakg.namespaces import PREFIXES

    try:
        ox.Store().query(query, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise syntax_error(str(exc), file=file) from None
    except (OSError, RuntimeError, ValueError):
        return  # it parsed; running it on nothing is not what is being checked


_BRACES = re.compile(_TOKENS.pattern.replace(r"|(?P<brace>\{)", r"|(?P<brace>[{}])"))
_MODIFIER = re.compile(r"\b(LIMIT|OFFSET)\s+(\d+)", re.I)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b.*?(?=\b(?:LIMIT|OFFSET|VALUES)\b|$)", re.I | re.S)


def _tail_start(query: str) -> int:
    """Offset just after the ``}`` that closes the outermost WHERE pattern, or -1."""
    at = where_brace(query)
    if at < 0:
        return -1
    depth = 0
    for m in _BRACES.finditer(query, at):
        if m.group("brace") == "{":
            depth += 1
        elif m.group("brace") == "}":
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def order_keys(query: str) -> list[str]:
    """The keys of the outermost ORDER BY, as written (empty if none).

    >>> order_keys("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s DESC(?o) LIMIT 3")
    ['?s', 'DESC(?o)']
    """
    end = _tail_start(query)
    if end < 0:
        return []
    tail, _ = _modifiers(query[end:])
    m = _ORDER_BY.search(tail)
    return m.group(0).split()[2:] if m else []


def projection(query: str) -> set[str] | None:
    """The variables the outermost SELECT projects (None for ``SELECT *`` or no SELECT).

    >>> sorted(projection("SELECT DISTINCT ?a (COUNT(DISTINCT ?b) AS ?n) WHERE { ?a ?p ?b }"))
    ['a', 'n']
    """
    at = where_brace(query)
    if at < 0 or "SELECT" not in {w.upper() for w, _, _ in keywords(query)}:
        return None
    text = _without_comments(query)[:at]
    head = re.search(r"\bSELECT\b(.*?)(?:\bWHERE\b|$)", text, re.I | re.S)
    if not head or "*" in head.group(1):
        return None
    clause = re.sub(r"\((?:[^()]|\([^()]*\))*\bAS\s+(\?\w+)\s*\)", r"\1", head.group(1), flags=re.I)
    return set(re.findall(r"\?(\w+)", clause))


def select_clause(query: str) -> str | None:
    """The outermost SELECT clause, from SELECT to WHERE, with comments dropped and spaces
    collapsed (None where there is none): what names the answer's columns and their order.

    >>> select_clause("SELECT DISTINCT ?a  # the key\n  ?b WHERE { ?a ?p ?b }")
    'SELECT DISTINCT ?a ?b'
    """
    at = where_brace(query)
    if at < 0:
        return None
    head = re.search(r"\bSELECT\b.*?(?=\bWHERE\b|$)", _without_comments(query)[:at], re.I | re.S)
    return " ".join(head.group(0).split()) if head else None


def has_window(query: str) -> bool:
    """Whether the outermost query has a LIMIT or OFFSET of its own."""
    end = _tail_start(query)
    return end >= 0 and bool(_modifiers(query[end:])[1])


def _modifiers(tail: str) -> tuple[str, dict[str, int]]:
    """The tail without its LIMIT/OFFSET clauses (comments blanked), and their values."""
    tail = _without_comments(tail)
    found = {m.group(1).upper(): int(m.group(2)) for m in _MODIFIER.finditer(tail)}
    return _MODIFIER.sub("", tail), found


@lru_cache(maxsize=256)  # pages of saved questions are asked again and again
def paginate(query: str, limit: int | None, offset: int = 0) -> str:
    """The query with ``LIMIT``/``OFFSET`` so that the engine returns only one page.

    A page of the query's own LIMIT/OFFSET window stays inside it; the page follows the
    query's ORDER BY (a page of an unordered answer is not stable between runs).

    >>> paginate("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 10, 20)
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 10 OFFSET 20'
    >>> paginate("SELECT ?s WHERE { ?s ?p ?o } LIMIT 15 OFFSET 5", 10, 10)
    'SELECT ?s WHERE { ?s ?p ?o }\\nLIMIT 5 OFFSET 15'
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError("a page needs a limit and offset of 0 or more")
    end = _tail_start(query)
    if end < 0:
        return query  # not a SELECT with a pattern: let the engine say what is wrong
    tail, found = _modifiers(query[end:])
    start = found.get("OFFSET", 0) + offset
    if "LIMIT" in found:
        left = max(found["LIMIT"] - offset, 0)
        limit = left if limit is None else min(limit, left)
    values = re.search(r"\bVALUES\b", tail, re.I)
    cut = values.start() if values else len(tail)
    page = ("" if limit is None else f"LIMIT {limit} ") + (f"OFFSET {start}" if start else "")
    return f"{query[:end]}{tail[:cut].rstrip()}\n{page.strip()}{' ' + tail[cut:].strip() if values else ''}"


def count_query(query: str) -> str:
    """A query counting the solutions of ``query`` (its ORDER BY dropped: order does not count)."""
    end = _tail_start(query)
    if end < 0:
        raise QueryError("cannot count the rows of this query: it has no WHERE pattern")
    prologue = _PROLOGUE.match(_without_comments(query))
    head = prologue.end() if prologue else 0
    tail = _ORDER_BY.sub(" ", _without_comments(query[end:])).strip()
    return f"{query[:head]}SELECT (COUNT(*) AS ?count) WHERE {{\n{{ {query[head:end]} {tail}\n}} }}"
