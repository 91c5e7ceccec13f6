"""Uploading the dataset to a SPARQL 1.1 Graph Store Protocol endpoint.

Every named graph goes to ``URL?graph=IRI``: the first chunk of its triples with PUT
(which replaces a graph of that name), further chunks with POST (which adds to it), so
no request body exceeds ``chunk`` triples (N-Triples, UTF-8) — except that triples
linked by blank nodes stay in one request, since a server reads each request's
blank-node labels afresh. (A blank node shared by two named graphs would become two;
the build has none.) One keep-alive connection carries all requests.

Stores that guard updates with HTTP authentication (Virtuoso's
``/sparql-graph-crud-auth`` asks for Digest, GraphDB and Fuseki for Basic) get the
credentials after a small ``HEAD`` request has fetched the challenge: a server that
refuses a large unauthenticated body may close the connection before the client has
finished sending it, so credentials are never first offered on a large request.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import urllib.parse
from collections.abc import Iterator

import pyoxigraph as ox

from ropakg.errors import EndpointError

TIMEOUT = 600
CHUNK = 200_000  # triples per request
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """The scheme (``digest`` preferred, else ``basic``) and parameters of WWW-Authenticate."""
    scheme = "digest" if re.search(r"\bdigest\b", header, re.I) else "basic"
    at = re.search(r"\bdigest\b", header, re.I) if scheme == "digest" else None
    text = header[at.end() :] if at else header
    text = re.split(r",\s*(?:basic|bearer|negotiate|digest)\b", text, maxsplit=1, flags=re.I)[0]
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAM.finditer(text)}
    return scheme, params


class GraphStore:
    """A Graph Store Protocol endpoint, with optional Basic or Digest authentication."""

    def __init__(
        self, url: str, *, user: str | None = None, password: str | None = None, timeout: int = TIMEOUT
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"not an http(s) URL: {url}")
        self.url = url
        self.parts = parts
        self.user = user
        self.password = password or ""
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._scheme: str | None = None
        self._params: dict[str, str] = {}
        self._count = 0

    # ------------------------------------------------------------------ HTTP
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = http.client.HTTPSConnection if self.parts.scheme == "https" else http.client.HTTPConnection
            self._conn = kind(self.parts.hostname or "", self.parts.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def target(self, graph: str) -> str:
        query = self.parts.query + "&" if self.parts.query else ""
        return f"{self.parts.path or '/'}?{query}graph={urllib.parse.quote(graph, safe='')}"

    def _authorization(self, method: str, target: str) -> str | None:
        if self.user is None or self._scheme is None:
            return None
        if self._scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
            return f"Basic {token}"
        p = self._params
        algorithm = p.get("algorithm", "MD5")
        digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

        def h(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        self._count += 1
        nc, cnonce = f"{self._count:08x}", os.urandom(8).hex()
        ha1, ha2 = h(f"{self.user}:{p.get('realm', '')}:{self.password}"), h(f"{method}:{target}")
        qop = "auth" if "auth" in [q.strip() for q in p.get("qop", "").split(",")] else ""
        response = h(f"{ha1}:{p['nonce']}:{nc}:{cnonce}:{qop}:{ha2}" if qop else f"{ha1}:{p['nonce']}:{ha2}")
        fields = [
            f'username="{self.user}"',
            f'realm="{p.get("realm", "")}"',
            f'nonce="{p["nonce"]}"',
            f'uri="{target}"',
            f'response="{response}"',
            f"algorithm={algorithm}",
        ]
        if qop:
            fields += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        if "opaque" in p:
            fields.append(f'opaque="{p["opaque"]}"')
        return "Digest " + ", ".join(fields)

    def _send(self, method: str, target: str, body: bytes | None) -> http.client.HTTPResponse:
        headers = {"Content-Type": "application/n-triples"} if body is not None else {}
        auth = self._authorization(method, target)
        if auth:
            headers["Authorization"] = auth
        for attempt in (1, 2):  # a kept-alive connection the server has closed is reopened once
            try:
                conn = self._connection()
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    self.close()
                return response
            except (ConnectionRefusedError, TimeoutError) as exc:
                self.close()
                raise EndpointError(f"cannot reach graph store {self.url}: {exc}") from None
            except (http.client.HTTPException, ConnectionError) as exc:
                self.close()
                if attempt == 2:
                    raise EndpointError(f"{self.url} closed the connection: {exc.__class__.__name__}") from None
            except OSError as exc:
                self.close()
                raise EndpointError(f"cannot reach graph store {self.url}: {exc}") from None
        raise AssertionError("unreachable")

    def authenticate(self, graph: str) -> None:
        """Ask with a bodiless HEAD whether the endpoint wants credentials, and which."""
        response = self._send("HEAD", self.target(graph), None)
        header = response.getheader("WWW-Authenticate")
        if response.status == 401 and self.user is None:
            raise EndpointError(f"{self.url} asks for authentication: give a user and password")
        if response.status == 401 and header:
            self._scheme, self._params = _challenge(header)
            self._count = 0
        elif response.status == 401:
            raise EndpointError(f"{self.url} asks for authentication but names no scheme")
        else:
            self._scheme = None  # the endpoint does not ask; send no credentials

    def _renewed(self, refusal: http.client.HTTPResponse, graph: str) -> bool:
        """After a 401: True if a fresh challenge makes a retry worthwhile (a stale Digest
        nonce, or a server that asks only now). The credentials are first tried on a
        body-less HEAD, so wrong ones never cost a second upload."""
        header = refusal.getheader("WWW-Authenticate") or ""
        if self._scheme == "digest" and re.search(r"stale\s*=\s*\"?true", header, re.I):
            self._scheme, self._params = _challenge(header)
            self._count = 0
        else:
            self.authenticate(graph)
        return self._send("HEAD", self.target(graph), None).status != 401

    def send(self, method: str, graph: str, body: bytes) -> None:
        """PUT or POST one body of N-Triples to a named graph; raise on refusal."""
        target = self.target(graph)
        try:
            response = self._send(method, target, body)
        except EndpointError:
            # Some servers (Virtuoso) answer wrong credentials by closing the connection while
            # the body is still being sent; ask again without a body to tell the user why.
            if self.user is None:
                raise
            try:
                refused = self._send("HEAD", target, None).status == 401
            except EndpointError:
                raise EndpointError(
                    f"{self.url} closed the connection during the upload: are the credentials of {self.user!r} right?"
                ) from None
            if not refused:
                raise
            raise EndpointError(f"{self.url} refused the credentials of {self.user!r} (HTTP 401)") from None
        if response.status == 401 and self.user is not None and self._renewed(response, graph):
            response = self._send(method, target, body)
        if response.status == 401:
            who = f"the credentials of {self.user!r}" if self.user else "an upload without credentials"
            raise EndpointError(f"{self.url} refused {who} (HTTP 401)")
        if not 200 <= response.status < 300:
            raise EndpointError(f"{self.url} refused graph {graph}: HTTP {response.status} {response.reason}")


def chunks(store: ox.Store, graph: ox.NamedNode, size: int) -> Iterator[tuple[int, bytes]]:
    """The triples of one named graph as N-Triples bodies of at most ``size`` triples.

    A server reads the blank-node labels of each request afresh, so triples linked by
    blank nodes (an RDF list, an OWL restriction) travel in the same request: such a
    group is never split, and one larger than ``size`` goes alone in one request.
    """
    batch: list[ox.Triple] = []
    parent: dict[str, str] = {}  # union-find over blank-node labels

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    linked: list[tuple[str, ox.Triple]] = []
    for q in store.quads_for_pattern(None, None, None, graph):
        triple = ox.Triple(q.subject, q.predicate, q.object)
        blanks = [t.value for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)]
        if not blanks:
            batch.append(triple)
            if len(batch) == size:
                yield len(batch), ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
                batch = []
            continue
        if len(blanks) == 2:
            parent[root(blanks[0])] = root(blanks[1])
        linked.append((blanks[0], triple))
    groups: dict[str, list[ox.Triple]] = {}
    for label, triple in linked:
        groups.setdefault(root(label), []).append(triple)
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield len(batch), ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            batch = []
        batch.extend(group)
    if batch:
        yield len(batch), ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""


def push(
    store: ox.Store,
    url: str,
    *,
    user: str | None = None,
    password: str | None = None,
    chunk: int = CHUNK,
    timeout: int = TIMEOUT,
) -> dict[str, int]:
    """Upload every named graph of ``store`` to the Graph Store Protocol endpoint ``url``.

    Returns the number of triples sent per graph. Graphs on the server with the same
    names are replaced; other graphs are left alone. An empty named graph is sent as an
    empty PUT, so it is emptied on the server too.
    """
    gsp = GraphStore(url, user=user, password=password, timeout=timeout)
    sent: dict[str, int] = {}
    try:
        graphs = sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value)
        if graphs:
            gsp.authenticate(graphs[0].value)
        for graph in graphs:
            sent[graph.value] = 0
            for count, body in chunks(store, graph, chunk):
                gsp.send("POST" if sent[graph.value] else "PUT", graph.value, body)
                sent[graph.value] += count
            if not sent[graph.value]:
                gsp.send("PUT", graph.value, b"")
    finally:
        gsp.close()
    return sent
