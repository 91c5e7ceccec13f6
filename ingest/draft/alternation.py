"""Patterns matched as one alternation at word starts, without trying them at every word start.

``Alternation(patterns).matches(text)`` gives what ``finditer`` of the regex
``(?<![\\w-])(?:(p1)|(p2)|...)`` gives: at the leftmost word start where one matches, the
first pattern (in order) that matches there, then the next match after its end. Python's
regular expressions try every pattern at every word start, look-behinds first, which is slow
for a few dozen patterns. Here each pattern's possible *heads* (the literal characters every
match of it starts with, read from the parsed pattern: ``e-?mail`` starts with ``e-m`` or
``em``) are found in one Aho-Corasick scan, and a pattern is tried only where one of its heads
is; a pattern without such heads has its matches found by its own regex, where the literal
characters it needs are in the text. The matches are the same; only the places tried are fewer.
"""

from __future__ import annotations

import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections import defaultdict
from typing import Any

import ahocorasick_rs

_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ENOUGH = 3  # head length after which a head is long enough to be rare
_MAX_HEADS = 64

Heads = list[tuple[str, bool]]  # literal start, and whether it is the whole of what the part matches


def _part_heads(op: Any, av: Any) -> Heads | None:
    """The heads of one element of a parsed pattern (None: not simply known)."""
    if op is sre.LITERAL:
        return [(chr(av), True)]
    if op is sre.IN and len(av) <= 4 and all(iop is sre.LITERAL for iop, _ in av):
        return [(chr(c), True) for _, c in av]
    if op is sre.SUBPATTERN and not av[1] and not av[2]:
        return _heads(list(av[3]))
    if op is sre.BRANCH:
        branches = [_heads(list(b)) for b in av[1]]
        if any(b is None for b in branches):
            return None
        return [h for b in branches for h in b or []]
    if op in _REPEATS and av[0] == 0 and av[1] == 1:  # optional: with it or without it
        inner = _heads(list(av[2]))
        return None if inner is None else [*inner, ("", True)]
    return None


def _heads(items: list[Any]) -> Heads | None:
    """The literal strings every match of a parsed sequence starts with, or None."""
    out: Heads = [("", True)]
    for k, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue  # a look-around or \\b: it constrains, but takes no characters
        if all(not whole or len(s) >= _ENOUGH for s, whole in out):
            rest_takes_nothing = all(o in _ZERO_WIDTH for o, _ in items[k:])
            return out if rest_takes_nothing else [(s, False) for s, _ in out]
        part = _part_heads(op, av)
        if part is None or len(out) * len(part) > _MAX_HEADS:
            return [(s, False) for s, _ in out]
        out = [(s + h, hw) if whole else (s, False) for s, whole in out for h, hw in part]
        out = list(dict.fromkeys(out))
    return out


def required(pattern: str) -> str:
    """The longest run of literal characters every match of ``pattern`` has ("" if none).

    >>> required("\\\\w+s? företrädare\\\\b")
    ' företrädare'
    """
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return ""
    best, run = "", ""
    for op, av in parsed:
        if op is sre.LITERAL:
            run += chr(av)
            best = max(best, run, key=len)
        elif op not in _ZERO_WIDTH:
            run = ""
    return best


def heads(pattern: str) -> list[str] | None:
    """The literal starts of every match of ``pattern``, or None where one may start with anything.

    >>> heads("(?<!mot )e-?post")
    ['e-po', 'epo']
    >>> heads("(?:10\\s*§|§\\s*10)") , heads("\\w+ företrädare")
    (['10', '§'], None)
    """
    found = _heads(list(sre_parse.parse(pattern)))
    if found is None or any(not s for s, _ in found):
        return None
    return list(dict.fromkeys(s for s, _ in found))


class Alternation:
    """``patterns`` as the regex ``(?<![\\w-])(?:(p1)|(p2)|...)``; see the module's docstring."""

    def __init__(self, patterns: list[str]) -> None:
        self.regex = re.compile(r"(?<![\w-])(?:" + "|".join(f"({p})" for p in patterns) + ")")
        self._each = [re.compile(rf"(?<![\w-])(?:{p})") for p in patterns]
        nullable = any(sre_parse.parse(p).getwidth()[0] == 0 for p in patterns)
        self._fast = not nullable  # an empty match has finditer rules of its own: keep to the regex then
        keyed: dict[str, list[int]] = defaultdict(list)
        self._scanned: list[int] = []  # patterns without heads: found by their own regex
        for i, p in enumerate(patterns):
            hs = heads(p)
            if hs is None:
                self._scanned.append(i)
            else:
                for h in hs:
                    keyed[h].append(i)
        self._required = {i: required(patterns[i]) for i in self._scanned}
        self._keys = list(keyed)
        self._key_patterns = [keyed[k] for k in self._keys]
        self._ac = ahocorasick_rs.AhoCorasick(self._keys) if self._keys else None

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """(start, pattern number, end) of each match, in text order, as ``regex.finditer`` gives them."""
        if not self._fast:
            return [(m.start(), (m.lastindex or 1) - 1, m.end()) for m in self.regex.finditer(text)]
        candidates: dict[int, set[int]] = defaultdict(set)  # start -> patterns that may match there
        if self._ac is not None:
            key_patterns = self._key_patterns
            for key, start, _ in self._ac.find_matches_as_indexes(text, overlapping=True):
                candidates[start].update(key_patterns[key])
        for i in self._scanned:
            if self._required[i] not in text:
                continue  # it cannot match anywhere
            regex, pos = self._each[i], 0
            while (m := regex.search(text, pos)) is not None:  # every place it matches, overlapping or not
                candidates[m.start()].add(i)
                pos = m.start() + 1
        out: list[tuple[int, int, int]] = []
        end = 0
        for start in sorted(candidates):
            if start < end:
                continue  # inside the last match: finditer goes on after it
            for i in sorted(candidates[start]):
                m = self._each[i].match(text, start)
                if m is not None:
                    out.append((start, i, m.end()))
                    end = m.end()
                    break
        return out
