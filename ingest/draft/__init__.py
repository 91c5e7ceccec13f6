"""Drafting a record of processing activities from a privacy policy nobody has annotated.

>>> from ingest.draft import draft_text
>>> d = draft_text("Personvernerklæring\\n\\nVi bruker e-postadressen din til å sende nyhetsbrev.\\n")
>>> d.language, d.record["activities"][0]["personal_data"][0]["concept"]
('nb', 'pd:EmailAddress')

The draft is a record in the curated-record format with ``status: draft``: every value
quotes the sentence it came from and carries a confidence, and a person confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.draft.assemble import assemble
from ingest.draft.findings import find
from ingest.draft.language import check, detect
from ingest.draft.lexicon import lexicon
from ingest.draft.parties import find_parties
from ingest.draft.reading import PolicySource, decode, read_source
from ingest.draft.retention import periods
from ingest.draft.segment import segment

__all__ = ["Draft", "decode", "draft_file", "draft_source", "draft_text", "read_source"]


@dataclass
class Draft:
    """A drafted record (a plain dict in the record format) and the text it quotes."""

    record: dict[str, Any]
    text: str
    language: str
    source: PolicySource | None = None


def draft_text(text: str, *, lang: str = "auto", file_name: str = "policy.txt", path: Any = None) -> Draft:
    """Draft a record from a policy text (already decoded)."""
    language = detect(text, path=path) if lang == "auto" else check(lang)
    lex = lexicon(language)
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lowered; keep offsets exact
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    layout = segment(text)
    findings = find(layout, lowered, lex)
    parties = find_parties(layout, lowered, lex)
    record = assemble(
        layout, lowered, lex, findings, parties, periods(layout, lowered, lex), file_name=file_name, language=language
    )
    return Draft(record, text, language)


def draft_source(source: PolicySource, *, lang: str = "auto", file_name: str | None = None) -> Draft:
    name = file_name or (source.path.with_suffix(".txt").name if source.path else "policy.txt")
    d = draft_text(source.text, lang=lang, file_name=name, path=source.path)
    d.source = source
    return d


def draft_file(path: str | Path, *, lang: str = "auto", file_name: str | None = None) -> Draft:
    """Read a policy file (any encoding; text, Markdown or HTML) and draft its record."""
    return draft_source(read_source(path), lang=lang, file_name=file_name)
