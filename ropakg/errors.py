"""The error hierarchy: every failure a user can cause has a class, a place and a cause.

The CLI turns a :class:`RopaError` into one line (``file:line: cause``) and the
exit code of its class; nothing a user does should end in a traceback.
"""

from __future__ import annotations

from pathlib import Path


class RopaError(Exception):
    """Base class: a message, and the file, line and column it concerns where known."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column

    def where(self) -> str:
        """``file:line:column`` as far as known, or an empty string."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class RecordError(RopaError):
    """A curated or draft record is malformed: bad YAML, unknown field, wrong concept."""

    exit_code = 3


class QuoteNotFound(RecordError):
    """A quote in a record is not in its policy text."""

    exit_code = 4


class PolicyError(RopaError):
    """A policy text is missing, unreadable, not UTF-8, binary or too large."""

    exit_code = 5


class QuerySyntaxError(RopaError):
    """A SPARQL query does not parse."""

    exit_code = 6


class QueryError(RopaError):
    """A query is refused (update, SERVICE, unknown name, bad parameter) or fails."""

    exit_code = 6


class BuildMissing(RopaError):
    """There is no build of the graph yet."""

    exit_code = 7


class EndpointError(RopaError):
    """A remote SPARQL endpoint cannot be reached or answers with an error."""

    exit_code = 8
