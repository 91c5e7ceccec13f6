"""The language of privacy policies, per language, as data: which words signal which
DPV concept, and which cue words change what a sentence means (negation, a condition
on our own action, a rights or legal-basis context).

Lexicons live in ``ingest/draft/lexicon/<lang>.yaml``; ``common.yaml`` (article numbers,
technical terms) is merged into every language. A pattern is a lower-case regular
expression matched at the start of a word and open at its end, so a stem like
``markedsfør`` also matches ``markedsføring``; end a pattern with ``\\b`` to match a
whole word. A pattern starting with ``=`` is *strong*: its words alone state the
concept (``=rett til innsyn``), so it needs none of the context a field otherwise asks
for (a rights or legal-basis cue nearby). Patterns must not use capturing groups. Within a field, earlier concepts
win where two patterns match at the same place: list the specific before the general.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest.draft.matching import PatternSet
from ropakg.errors import RopaError

LEXICON_DIR = Path(__file__).with_name("lexicon")
FIELDS = (
    "purposes", "personal_data", "data_subjects", "legal_bases", "rights", "measures",
    "sources", "authorities", "mechanisms", "countries", "retention_events",
)  # fmt: skip
CUES = (
    "negation", "negation_exceptions", "conditional_we", "rights", "legal_basis", "transfer", "processor",
    "subprocessor", "third_party", "controller", "retention", "recipient", "outside_eea", "field_heading",
)  # fmt: skip
UNITS = {"D", "W", "M", "Y"}
STRONG = "="
"""A pattern starting with ``=`` says its concept by itself: it needs no context cue."""


class LexiconError(RopaError):
    """A lexicon file is malformed (a bad pattern or an unknown field)."""


@dataclass
class FieldMatcher:
    """One field's patterns, each labelled with its concept (see :mod:`ingest.draft.matching`)."""

    concepts: list[str]
    patterns: PatternSet

    def finditer(self, lowered: str) -> list[tuple[int, int, str]]:
        return self.patterns.finditer(lowered)


@dataclass
class Lexicon:
    language: str
    fields: dict[str, FieldMatcher]
    cues: dict[str, re.Pattern[str]]
    numbers: dict[str, int]
    units: dict[str, str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    combined: PatternSet | None = field(repr=False, default=None)
    # each cue's words without the word-start look-behind: a regex the engine searches fast
    # (from their first characters), and one any match of the cue also matches
    cue_words: dict[str, re.Pattern[str]] = field(repr=False, default_factory=dict)

    def match_fields(self, lowered: str) -> dict[str, list[tuple[int, int, str]]]:
        """Every field's matches from one scan of the text."""
        assert self.combined is not None
        return self.combined.grouped(lowered)

    def says_anything(self, lowered: str) -> bool:
        """Does the text hold any lexicon word (a data category, a purpose, ...)?"""
        return bool(self.match_fields(lowered))

    def cue(self, name: str, text: str, end: int | None = None) -> re.Match[str] | None:
        """The first place ``text`` (up to ``end``) says cue ``name``, or None."""
        pattern = self.cues.get(name)
        if pattern is None:
            return None
        end = len(text) if end is None else end
        words = self.cue_words.get(name)
        if words is not None and words.search(text, 0, end) is None:
            return None  # most texts: none of the words at all
        return pattern.search(text, 0, end)

    def cue_all(self, name: str, text: str) -> list[re.Match[str]]:
        pattern = self.cues.get(name)
        words = self.cue_words.get(name)
        if pattern is None or (words is not None and words.search(text) is None):
            return []
        return list(pattern.finditer(text))


def _compile(name: str, patterns: list[str], where: str) -> str:
    for p in patterns:
        try:
            compiled = re.compile(p)
        except re.error as exc:
            raise LexiconError(f"bad pattern {p!r} for {name}: {exc}", file=where) from None
        if compiled.groups:
            raise LexiconError(f"pattern {p!r} for {name} has a capturing group; use (?:...)", file=where)
    return "|".join(patterns)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


def _read(name: str) -> dict[str, Any]:
    path = LEXICON_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"cannot read lexicon: {exc}", file=path) from None
    for parent in data.pop("inherits", []):
        data = _merge(_read(parent), data)
    return data


@lru_cache(maxsize=8)
def lexicon(language: str) -> Lexicon:
    """The compiled lexicon for a language code (nb, nn, sv, da, en)."""
    own = _read(language)
    data = _merge(_read("common"), own)
    for fname, concepts in data.get("fields", {}).items():
        # the language's own concepts first: its specific words win over the shared general ones
        first = list(own.get("fields", {}).get(fname, {}))
        data["fields"][fname] = {c: concepts[c] for c in [*first, *(c for c in concepts if c not in first)]}
    where = str(LEXICON_DIR / f"{language}.yaml")
    unknown = set(data.get("fields", {})) - set(FIELDS)
    if unknown:
        raise LexiconError(f"unknown field(s) {sorted(unknown)}", file=where)
    fields: dict[str, FieldMatcher] = {}
    everything: list[tuple[str, str]] = []
    groups: list[str] = []
    for fname, concepts in data.get("fields", {}).items():
        names = list(concepts)
        for c in names:
            _compile(c, [p.removeprefix(STRONG) for p in concepts[c] or []], where)
        labelled = [
            (c + STRONG if p.startswith(STRONG) else c, p.removeprefix(STRONG))
            for c in names
            for p in concepts[c] or []
        ]
        fields[fname] = FieldMatcher(names, PatternSet(labelled))
        everything.extend(labelled)
        groups.extend([fname] * len(labelled))
    cues, cue_words = {}, {}
    for cname, patterns in data.get("cues", {}).items():
        if cname not in CUES:
            raise LexiconError(f"unknown cue {cname!r}", file=where)
        words = _compile(cname, list(patterns), where)
        cues[cname] = re.compile(rf"(?<!\w)(?:{words})")
        cue_words[cname] = re.compile(words)
    units = {str(k): str(v) for k, v in data.get("units", {}).items()}
    if set(units.values()) - UNITS:
        raise LexiconError(f"time units must be one of {sorted(UNITS)}", file=where)
    numbers = {str(k): int(v) for k, v in data.get("numbers", {}).items()}
    return Lexicon(language, fields, cues, numbers, units, data, PatternSet(everything, groups), cue_words)


def concepts_used(language: str) -> dict[str, set[str]]:
    """Every concept a lexicon can produce, per field (for checking against DPV)."""
    lex = lexicon(language)
    return {name: set(m.concepts) for name, m in lex.fields.items()}
