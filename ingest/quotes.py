"""Finding a record's quotes in its policy text, and recording exactly where they are.

A quote may differ from the policy in whitespace (line breaks, runs of spaces, the
non-breaking space) and typography (curly or straight quotation marks, the various
dashes and hyphens, ``…`` for ``...``); letters and their case must match. The match
is reported with the exact character offsets (Unicode code points) into the policy
text and the policy's own words at those offsets, which is what the graph stores.
"""

from __future__ import annotations

import unicodedata
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


class PolicyText:
    """A policy text prepared for tolerant quote search.

    >>> t = PolicyText("Vi bruker “Google\\n  Analytics” – for statistikk.")
    >>> m = t.find('bruker "Google Analytics" - for')
    >>> (m.start, m.end, m.exact)
    (3, 36, 'bruker “Google\\n  Analytics” – for')
    """

    def __init__(self, text: str) -> None:
        self.text = text
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
        self._origin = origin

    @staticmethod
    def canonical(quote: str) -> str:
        """The quote as the search sees it: typography unified, whitespace collapsed."""
        canon = "".join(_canon_char(ch) for ch in unicodedata.normalize("NFC", quote))
        return " ".join(canon.split())

    def find_all(self, quote: str) -> list[Match]:
        """Every non-overlapping match of ``quote``, in order."""
        needle = self.canonical(quote)
        if not needle:
            return []
        found: list[Match] = []
        pos = self._canon.find(needle)
        while pos >= 0:
            start = self._origin[pos]
            end = self._origin[pos + len(needle) - 1] + 1
            found.append(Match(start, end, self.text[start:end]))
            pos = self._canon.find(needle, pos + len(needle))
        return found

    def find(self, quote: str, occurrence: int = 1) -> Match | None:
        """The ``occurrence``-th match of ``quote`` (1-based), or None."""
        matches = self.find_all(quote)
        return matches[occurrence - 1] if len(matches) >= occurrence else None

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return self.text.count("\n", 0, offset) + 1
