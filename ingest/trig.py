"""Writing RDF terms as TriG text: the prefixes, IRIs, literals of the mapped graphs.

The mapping writes text rather than triple objects (see :mod:`ingest.mapping`); these
helpers make that text valid TriG that parses back to the same terms rdflib would make.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rdflib import Literal, URIRef

from ropakg.namespaces import PREFIXES

A = "a"
TRIG_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
"""The prefix lines that mapped text needs before it (once per file)."""

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@lru_cache(maxsize=16384)
def iri_term(iri: str) -> str:
    """An absolute IRI as TriG: a prefixed name where one fits, else ``<iri>``.

    >>> iri_term("https://w3id.org/dpv#Marketing"), iri_term("https://example.org/a#b")
    ('dpv:Marketing', '<https://example.org/a#b>')
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _LOCAL.fullmatch(iri, len(ns)):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def term_iri(term: str) -> str:
    """The absolute IRI of a term :func:`iri_term` wrote."""
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return PREFIXES[prefix] + local


def string(text: str) -> str:
    """A TriG string literal: quotation marks, backslashes and line ends escaped."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:  # (most text has none)
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


def lang_string(text: str, lang: str) -> str:
    return f"{string(text)}@{lang}"


@lru_cache(maxsize=1024)
def typed(value: Any, datatype: str) -> str:
    """A typed literal with the lexical form rdflib gives the Python value (0.9 -> "0.9")."""
    return f"{string(str(Literal(value, datatype=URIRef(datatype))))}^^{iri_term(datatype)}"
