"""The same questions on any SPARQL 1.1 server, and uploading the dataset to one.

:func:`connect` gives a :class:`RemoteGraph` with the API of the embedded graph
(``query``, ``ropa``, ``evidence``, ``to_networkx``), asking through SPARQLWrapper.
The server must answer queries over the union of its named graphs (Oxigraph:
``--union-default-graph``; Fuseki: ``tdb:unionDefaultGraph``; Virtuoso and GraphDB do
so by default). :func:`push` uploads every named graph with the SPARQL 1.1 Graph Store
Protocol (HTTP PUT per graph), so the graphs keep their names.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ropakg.api import GraphAPI, Rows
from ropakg.errors import EndpointError, QueryError, QuerySyntaxError
from ropakg.namespaces import sparql_prefixes
from ropakg.paths import Paths
from ropakg.sparql import bind_values, check_query, check_syntax
from ropakg.terms import to_term

TIMEOUT = 60


def _term(cell: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in cell:
        return ox.Literal(value, language=cell["xml:lang"])
    if "datatype" in cell:
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
            result = client.queryAndConvert()
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
        names = list(result["head"]["vars"])
        rows = [[_term(b[n]) if n in b else None for n in names] for b in result["results"]["bindings"]]
        return names, rows


def connect(endpoint: str, *, lang: str = "en", queries_dir: Path | None = None) -> RemoteGraph:
    """The ROPA graph on a SPARQL endpoint, with the same API as :func:`ropakg.load`.

    >>> kg = ropakg.connect("http://127.0.0.1:7878/query")   # doctest: +SKIP
    """
    return RemoteGraph(endpoint, lang=lang, queries_dir=queries_dir)


def push(store: ox.Store, graph_store: str, *, timeout: int = TIMEOUT) -> dict[str, int]:
    """Upload every named graph of ``store`` to a Graph Store Protocol endpoint (HTTP PUT).

    Returns the number of triples sent per graph. Graphs on the server with the same
    names are replaced; other graphs are left alone.
    """
    sent: dict[str, int] = {}
    for graph in store.named_graphs():
        if not isinstance(graph, ox.NamedNode):
            continue
        triples = [
            ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)
        ]
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        sep = "&" if "?" in graph_store else "?"
        url = f"{graph_store}{sep}graph={urllib.parse.quote(graph.value, safe='')}"
        request = urllib.request.Request(
            url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{graph_store} refused graph {graph.value}: HTTP {exc.code} {exc.reason}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"cannot reach graph store {graph_store}: {reason}") from None
        sent[graph.value] = len(triples)
    return sent


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("QueryBadFormed", "EndPointInternalError")):
            return line[:300]
    return text[:300]
