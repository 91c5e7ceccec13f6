"""Converting between RDF terms (Oxigraph's) and plain Python values."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
import rdflib

from ropakg.namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long")}


def to_python(term: Any) -> Any:
    """An Oxigraph term as a plain Python value: IRIs as strings, typed literals converted."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value
        try:
            if dtype in _NUMERIC:
                return int(term.value)
            if dtype == XSD + "decimal":
                return Decimal(term.value)
            if dtype in (XSD + "double", XSD + "float"):
                return float(term.value)
            if dtype == XSD + "boolean":
                return term.value == "true"
            if dtype == XSD + "date":
                return dt.date.fromisoformat(term.value)
        except ValueError:
            return term.value
        return term.value
    return str(term)


def to_term(value: Any) -> ox.NamedNode | ox.Literal:
    """A Python value as an Oxigraph term for a query parameter.

    Strings that are http(s) IRIs or CURIEs with a known prefix (``dpv:Consent``) become
    IRIs; other strings become plain literals; rdflib terms keep their kind.

    >>> to_term("dpv:Consent")
    <NamedNode value=https://w3id.org/dpv#Consent>
    >>> to_term("Bitpro AS")
    <Literal value=Bitpro AS datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, str):
        if re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", value):
            return ox.NamedNode(value)
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", local):
            return ox.NamedNode(PREFIXES[prefix] + local)
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float | Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))
