"""User SPARQL is untrusted: read-only, no SERVICE, clear syntax errors.

``check_query`` refuses updates and federated queries (``SERVICE`` would let a query
reach the network) before the engine sees them; ``syntax_error`` turns the engine's
message into a :class:`QuerySyntaxError` with line and column.
"""

from __future__ import annotations

import re

from ropakg.errors import QueryError, QuerySyntaxError

# Strings, IRIs and comments first, so that keywords inside them are not seen.
_TOKENS = re.compile(
    r'(?P<skip>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*)'
    r"|(?P<word>[A-Za-z_][A-Za-z_0-9]*)",
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
    heads = [w for w in words if w[0].upper() not in ("PREFIX", "BASE")]
    if heads and heads[0][0].upper() in _UPDATE:
        word, line, column = heads[0]
        raise QueryError(f"updates are refused: the graph is read-only ({word.upper()})", line=line, column=column)


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
