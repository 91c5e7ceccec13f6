"""Finding a record's quotes in its policy text, and recording exactly where they are.

A quote may differ from the policy in whitespace (line breaks, runs of spaces, the
non-breaking space) and typography (curly or straight quotation marks, the various
dashes and hyphens, ``…`` for ``...``); letters and their case must match. The match
is reported with the exact character offsets (Unicode code points) into the policy
text and the policy's own words at those offsets, which is what the graph stores.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_TYPOGRAPHY = {
    **dict.fromkeys("“”„‟″«»\u201c\u201d", '"'),
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("‐‑‒–—―−\u00ad", "-"),
    "…": "...",
    "•": "*",
}


def _canon_char(ch: str) -> str:
    if ch in _TYPOGRAPHY:
        return _TYPOGRAPHY[ch]
    if ch.isspace():
        return " "
    return unicodedata.normalize("NFKC", ch)


@dataclass(frozen=True)
class Match:
    """Where a quote is: ``text[start:end] == exact``."""

    start: int
    end: int
    exact: str


class _CanonTable(dict[int, str]):
    """``str.translate`` table applying :func:`_canon_char`, filled as characters are met."""

    def __missing__(self, ordinal: int) -> str:
        canon = self[ordinal] = _canon_char(chr(ordinal))
        return canon


_CANON = _CanonTable()
_RUNS = re.compile("  +")  # (a literal prefix: much quicker to search for than " {2,}")
_ASCII_CHANGED = [chr(i) for i in range(128) if _CANON[i] != chr(i)]
"""The ASCII characters the search changes (whitespace other than the space, the backtick)."""


def _canonical_chars(text: str, changed: dict[str, str]) -> str:
    """``text.translate(_CANON)``, given the characters of ``text`` that it changes.

    A text has few such characters (line ends, typographic quotes and dashes), and
    replacing each is much quicker than translating every character through a dict.
    When a character becomes one that is itself changed, the replacements would depend
    on their order, so the text is translated instead.
    """
    if any(canon in changed for canon in changed.values()):
        return text.translate(_CANON)
    for ch, canon in changed.items():
        text = text.replace(ch, canon)
    return text


class PolicyText:
    """A policy text prepared for tolerant quote search.

    >>> t = PolicyText("Vi bruker “Google\\n  Analytics” – for statistikk.")
    >>> m = t.find('bruker "Google Analytics" - for')
    >>> (m.start, m.end, m.exact)
    (3, 36, 'bruker “Google\\n  Analytics” – for')
    """

    def __init__(self, text: str) -> None:
        self.text = text
        chars = [ch for ch in _ASCII_CHANGED if ch in text] if text.isascii() else set(text)
        changed = {ch: canon for ch in chars if (canon := _CANON[ord(ch)]) != ch}
        if any(len(canon) != 1 for canon in changed.values()):
            self._per_char(text)
        else:
            self._collapse(_canonical_chars(text, changed))

    def _collapse(self, mapped: str) -> None:
        """Every character maps to one: drop the extra spaces of each run (all of a
        leading run), and keep where each kept stretch starts in the canonical text
        (``_starts``) and in the policy text (``_origins``)."""
        starts: list[int] = []
        origins: list[int] = []
        pieces: list[str] = []
        pos = len(mapped) - len(mapped.lstrip(" "))  # a leading run: all of it
        length = 0
        for run in _RUNS.finditer(mapped, pos):
            keep_to = run.start() + 1
            starts.append(length)
            origins.append(pos)
            pieces.append(mapped[pos:keep_to])
            length += keep_to - pos
            pos = run.end()
        starts.append(length)
        origins.append(pos)
        pieces.append(mapped[pos:])
        self._canon = "".join(pieces)
        self._starts, self._origins = starts, origins

    def _per_char(self, text: str) -> None:
        """Characters that expand (``…``, ligatures): map them one by one."""
        chars: list[str] = []
        origin: list[int] = []
        last_space = True
        for i, ch in enumerate(text):
            canon = _canon_char(ch)
            if canon == " ":
                if last_space:
                    continue
                last_space = True
            else:
                last_space = False
            for c in canon:
                chars.append(c)
                origin.append(i)
        self._canon = "".join(chars)
        self._starts, self._origins = list(range(len(origin))), origin

    def _origin(self, pos: int) -> int:
        """The offset in the policy text of position ``pos`` of the canonical text."""
        k = bisect_right(self._starts, pos) - 1
        return self._origins[k] + pos - self._starts[k]

    @staticmethod
    def canonical(quote: str) -> str:
        """The quote as the search sees it: typography unified, whitespace collapsed."""
        return " ".join(unicodedata.normalize("NFC", quote).translate(_CANON).split())

    def find_all(self, quote: str) -> list[Match]:
        """Every non-overlapping match of ``quote``, in order."""
        needle = self.canonical(quote)
        if not needle:
            return []
        found: list[Match] = []
        pos = self._canon.find(needle)
        while pos >= 0:
            start = self._origin(pos)
            end = self._origin(pos + len(needle) - 1) + 1
            found.append(Match(start, end, self.text[start:end]))
            pos = self._canon.find(needle, pos + len(needle))
        return found

    def find(self, quote: str, occurrence: int = 1) -> Match | None:
        """The ``occurrence``-th match of ``quote`` (1-based), or None."""
        needle = self.canonical(quote)
        if not needle or occurrence < 1:
            return None
        pos = self._canon.find(needle)
        for _ in range(occurrence - 1):
            if pos < 0:
                return None
            pos = self._canon.find(needle, pos + len(needle))
        if pos < 0:
            return None
        start = self._origin(pos)
        end = self._origin(pos + len(needle) - 1) + 1
        return Match(start, end, self.text[start:end])

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return self.text.count("\n", 0, offset) + 1
