"""The same questions on any SPARQL 1.1 server, and uploading the dataset to one.

:func:`connect` gives a :class:`RemoteGraph` with the API of the embedded graph
(``query``, ``ropa``, ``evidence``, ``to_networkx``), asking through SPARQLWrapper.
The server must answer queries over the union of its named graphs (Oxigraph:
``--union-default-graph``; Fuseki: ``tdb:unionDefaultGraph``; Virtuoso and GraphDB do
so by default). :func:`push` uploads every named graph with the SPARQL 1.1 Graph Store
Protocol (:mod:`ropakg.graphstore`), so the graphs keep their names.

An answer a server has cut short is an error, never a result: Virtuoso marks a result
capped by its ``ResultSetMaxRows`` with ``X-SPARQL-MaxRows`` and a partial ("anytime")
result with ``X-SQL-State``; both raise :class:`EndpointError`.
"""

from __future__ import annotations

import urllib.error
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ropakg.api import GraphAPI, Rows
from ropakg.errors import EndpointError, QueryError, QuerySyntaxError
from ropakg.graphstore import push
from ropakg.namespaces import sparql_prefixes
from ropakg.paths import Paths
from ropakg.sparql import bind_values, check_query, check_syntax
from ropakg.terms import to_term

TIMEOUT = 60
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
__all__ = ["RemoteGraph", "connect", "push"]


def _term(cell: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in cell:
        return ox.Literal(value, language=cell["xml:lang"])
    if "datatype" in cell:
        if cell["datatype"] == XSD_BOOLEAN and value in ("1", "0"):
            value = "true" if value == "1" else "false"  # Virtuoso writes booleans as 1 and 0
        return ox.Literal(value, datatype=ox.NamedNode(cell["datatype"]))
    return ox.Literal(value)


class RemoteGraph(GraphAPI):
    """A ROPA dataset on a SPARQL 1.1 Protocol endpoint.

    >>> kg = connect("http://127.0.0.1:7878/query")   # doctest: +SKIP
    >>> kg.query("processors-outside-eea")             # doctest: +SKIP
    """

    def __init__(
        self, endpoint: str, *, queries_dir: Path | None = None, lang: str = "en", timeout: int = TIMEOUT
    ) -> None:
        self.endpoint = endpoint
        self.queries_dir = queries_dir or Paths.default().queries
        self.lang = lang
        self.timeout = timeout

    def select(self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None) -> Rows:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        check_query(sparql)
        check_syntax(sparql, file=file)
        terms = {k: to_term(v) for k, v in (params or {}).items()}
        # A SPARQL endpoint has no parameter API: bind with VALUES, terms serialized by the engine.
        text = sparql_prefixes() + bind_values(sparql, {k: str(t) for k, t in terms.items()})
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(text)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        try:
            answer = client.query()
            headers = answer.info()
            result = answer.convert()
        except QueryBadFormed as exc:
            raise QuerySyntaxError(f"the endpoint refused the query: {_first_line(exc)}", file=file) from None
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{self.endpoint} answered HTTP {exc.code} {exc.reason}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach SPARQL endpoint {self.endpoint}: {reason}") from None
        except SPARQLWrapperException as exc:
            raise EndpointError(f"{self.endpoint}: {_first_line(exc)}") from None
        if not isinstance(result, dict) or "results" not in result:
            raise QueryError("the endpoint did not answer with SELECT results", file=file)
        if headers.get("x-sparql-maxrows"):
            raise EndpointError(
                f"{self.endpoint} cut the answer at {headers['x-sparql-maxrows']} rows (its result limit); "
                "raise the server's limit or page with LIMIT/OFFSET"
            )
        if headers.get("x-sql-state"):
            raise EndpointError(f"{self.endpoint} gave a partial answer ({headers['x-sql-state']}: time limit)")
        names = list(result["head"]["vars"])
        rows = [[_term(b[n]) if n in b else None for n in names] for b in result["results"]["bindings"]]
        return names, rows


def connect(endpoint: str, *, lang: str = "en", queries_dir: Path | None = None) -> RemoteGraph:
    """The ROPA graph on a SPARQL endpoint, with the same API as :func:`ropakg.load`.

    >>> kg = ropakg.connect("http://127.0.0.1:7878/query")   # doctest: +SKIP
    """
    return RemoteGraph(endpoint, lang=lang, queries_dir=queries_dir)


def _first_line(exc: Exception) -> str:
    """The server's own message from a SPARQLWrapper error (whose text wraps the response body)."""
    text = str(exc).strip().replace("\\n", "\n")
    for line in text.splitlines():
        line = line.strip().removeprefix("b'").removeprefix('b"').strip()
        if line and not line.startswith(("QueryBadFormed", "EndPointInternalError", "Response:")):
            return line[:300]
    return text[:300]
