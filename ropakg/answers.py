"""Do two SPARQL engines give the same answer? Compared after normalising representation only.

SPARQL leaves some things open and servers represent some values differently; none of
that changes what an answer says, so :func:`difference` ignores exactly these (each
is explained in docs/servers.md):

1. numbers: integers of any XSD integer type (``xsd:int``, ``xsd:long``, ``xsd:integer``)
   and decimals are equal when their values are (``"2"^^xsd:int`` = ``2``, ``0.90`` = ``0.9``);
   doubles and floats when their values are;
2. booleans: ``"1"``/``"0"`` and ``"true"``/``"false"`` are the same ``xsd:boolean``; a boolean
   on one side equals the integer 1 or 0 on the other (Virtuoso computes booleans as integers);
3. language tags are case-insensitive (``en-GB`` = ``en-gb``);
4. a ``" | "``-joined cell (GROUP_CONCAT) is compared with its parts sorted, since SPARQL
   leaves the order of GROUP_CONCAT open;
5. row order: the rows must be the same multiset, and the values of the ``ORDER BY``
   variables must come in the same sequence; rows that tie on them may come in any
   order (keys the query does not select, and keys after them, are not checked, nor
   ``ORDER BY`` expressions other than variables);
6. blank nodes: their labels are local to one answer, so any blank node equals any other;
7. ``xsd:duration`` of years and months: Virtuoso returns them as a number of months
   (``"P5Y"`` comes back as ``"60"``), so both are compared as months.

Everything else — IRIs, lexical forms of strings, datatypes of other literals, which
cells are unbound, the number of rows — must be identical.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
Answer = tuple[list[str], list[list[Any]]]  # variable names and rows, as ``GraphAPI.select`` gives them
_INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
# Strings, IRIs and comments, blanked before looking for the ORDER BY clause.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_ORDER_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*\?(\w+)\s*\)|\?(\w+))", re.I)


def canonical(term: Any) -> str:
    """A term in the normal form used for comparing (see the module docstring)."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if not isinstance(term, ox.Literal):
        return str(term)
    value, dtype = term.value, term.datatype.value
    if term.language:
        return f'"{_sorted_parts(value)}"@{term.language.lower()}'
    try:
        if dtype in _INTEGERS:
            return f"number:{Decimal(int(value))}"
        if dtype == XSD + "decimal":
            return f"number:{Decimal(value).normalize()}"
        if dtype in (XSD + "double", XSD + "float"):
            return f"double:{float(value)!r}"
    except (ValueError, InvalidOperation):
        pass
    if dtype == XSD + "duration":
        months = _months(value)
        if months is not None:
            return f"duration:{months} months"
    if dtype == XSD + "boolean" and value in ("1", "0", "true", "false"):
        return "boolean:" + ("true" if value in ("1", "true") else "false")
    if dtype == XSD + "string":
        return f'"{_sorted_parts(value)}"'
    return f'"{value}"^^<{dtype}>'


_YEAR_MONTH = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?")


def _months(value: str) -> int | None:
    """A year-month duration as months (``P1Y6M`` -> 18); a bare integer is months already."""
    if value.isdigit():
        return int(value)
    m = _YEAR_MONTH.fullmatch(value)
    if m and (m.group(1) or m.group(2)):
        return int(m.group(1) or 0) * 12 + int(m.group(2) or 0)
    return None


def _sorted_parts(text: str) -> str:
    return " | ".join(sorted(text.split(" | "))) if " | " in text else text


_AS_BOOLEAN = {"number:1": "boolean:true", "number:0": "boolean:false"}


def order_keys(query: str) -> list[str] | None:
    """The variables of the outermost ``ORDER BY`` (None when it orders by expressions).

    >>> order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?p) ?s LIMIT 5")
    ['p', 's']
    >>> order_keys("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }")
    []
    """
    text = _SKIP.sub(lambda m: " " * len(m.group(0)), query)
    found = list(re.finditer(r"\bORDER\s+BY\b", text, re.I))
    if not found or found[-1].start() < text.rfind("}"):
        return []  # no ORDER BY, or only in a subquery
    tail = re.split(r"\b(?:LIMIT|OFFSET|VALUES)\b", text[found[-1].end() :], maxsplit=1, flags=re.I)[0]
    keys, pos = [], 0
    while tail[pos:].strip():
        m = _ORDER_KEY.match(tail, pos)
        if not m:
            return None
        keys.append(m.group(2) or m.group(3))
        pos = m.end()
    return keys


def difference(query: str, expected: Answer, actual: Answer) -> str | None:
    """How ``actual`` differs from ``expected`` as answers to ``query``; None when they are the same."""
    names, rows = expected
    if list(names) != list(actual[0]):
        return f"columns differ: {list(names)} expected, {list(actual[0])} given"
    if len(rows) != len(actual[1]):
        return f"{len(rows)} rows expected, {len(actual[1])} given"
    a = [tuple(canonical(c) for c in row) for row in rows]
    b = [tuple(canonical(c) for c in row) for row in actual[1]]
    # Rule 2 across types: where the expected column holds booleans, an integer 1 or 0 reads as one.
    booleans = {i for i in range(len(names)) if any(r[i].startswith("boolean:") for r in a)}
    b = [tuple(_AS_BOOLEAN.get(v, v) if i in booleans else v for i, v in enumerate(row)) for row in b]
    missing = sorted((Counter(a) - Counter(b)).elements())
    if missing:
        extra = sorted((Counter(b) - Counter(a)).elements())
        cells = [
            f"{n} {w[:80] or 'unbound'} (given {g[:80] or 'unbound'})"
            for n, w, g in zip(names, missing[0], extra[0], strict=True)
            if w != g
        ]
        return f"{len(missing)} of {len(rows)} rows differ, e.g. " + "; ".join(cells)
    keys = order_keys(query)
    if keys:
        # Keys after one the query does not select cannot be checked: rows may differ there.
        index = [names.index(k) for k in itertools.takewhile(lambda k: k in names, keys)]
        seq_a = [tuple(r[i] for i in index) for r in a]
        seq_b = [tuple(r[i] for i in index) for r in b]
        for i, (x, y) in enumerate(zip(seq_a, seq_b, strict=True)):
            if x != y:
                return f"row {i + 1} is out of ORDER BY {' '.join(keys)}: {y} where {x} was expected"
    return None
