"""Matching hundreds of word-start patterns over a policy in one pass.

Python's regular expressions try every alternative at every word start, which is slow
for large lexicons. Most patterns begin with a literal word stem, so an Aho-Corasick
automaton (Rust, ``ahocorasick_rs``) finds every place a stem occurs in one scan, and
only there is the full pattern tried. Patterns without a literal stem of two or more
characters are run as one ordinary regular expression. At each word start the earlier
pattern wins; a match starting at a later word inside a longer one is kept, so that
"improve and monitor our website" yields both purposes.
"""

from __future__ import annotations

import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections import defaultdict
from typing import Any

import ahocorasick_rs

_MIN_STEM = 2


def _stems(items: list[Any]) -> list[str] | None:
    """The literal stems every match of a parsed pattern starts with, or None."""
    out = [""]
    for op, av in items:
        if op is sre.LITERAL:
            out = [s + chr(av) for s in out]
            continue
        if op is sre.SUBPATTERN and all(len(s) >= _MIN_STEM for s in out) is False:
            inner = _stems(list(av[3]))
            if inner is None:
                break
            out = [s + i for s in out for i in inner]
            break
        if op is sre.BRANCH and len(out) == 1 and len(out[0]) < _MIN_STEM:
            branches = [_stems(list(b)) for b in av[1]]
            if any(b is None for b in branches):
                break
            out = [out[0] + s for b in branches for s in b or []]
        break
    return out if out and all(len(s) >= _MIN_STEM for s in out) else None


_NON_WORD = re.compile(r"\W")
_last: list[str] = ["", ""]


def spaced(lowered: str) -> str:
    """`` `` + the text with every non-word character a space (same offsets, shifted by one)."""
    if _last[0] is not lowered:
        _last[0], _last[1] = lowered, " " + _NON_WORD.sub(" ", lowered)
    return _last[1]


def _spaced_key(stem: str) -> str:
    key = _NON_WORD.sub(" ", stem)
    return key if stem[:1] and not (stem[0].isalnum() or stem[0] == "_") else " " + key


class PatternSet:
    """Labelled patterns, matched at word starts over lower-cased text.

    >>> ps = PatternSet([("email", "e-?post"), ("name", "navn\\\\b")])
    >>> [(s, e, label) for s, e, label in ps.finditer("navn og e-post")]
    [(0, 4, 'name'), (8, 14, 'email')]
    """

    def __init__(self, labelled: list[tuple[str, str]], groups: list[str] | None = None) -> None:
        self.labels = [label for label, _ in labelled]
        self.groups = groups or [""] * len(labelled)
        self.compiled = [re.compile(p) for _, p in labelled]
        keys: dict[str, list[int]] = defaultdict(list)
        fallback: list[int] = []
        for i, (_, pattern) in enumerate(labelled):
            stems = _stems(list(sre_parse.parse(pattern)))
            if stems is None:
                fallback.append(i)
            else:
                for stem in dict.fromkeys(stems):
                    keys[stem].append(i)
        self._keys = list(keys)
        self._key_patterns = [keys[k] for k in self._keys]
        # Stems are searched in a copy of the text where every non-word character is a space,
        # each stem with a space before it: only word starts are found, in one scan.
        spaced_keys = [_spaced_key(k) for k in self._keys]
        self._shift = [0 if k.startswith(" ") else 1 for k in spaced_keys]  # keys without the leading space
        self._ac = ahocorasick_rs.AhoCorasick(spaced_keys) if self._keys else None
        self._fallback = fallback
        self._fallback_regex = (
            re.compile(r"(?<![\w-])(?:" + "|".join(f"({labelled[i][1]})" for i in fallback) + ")") if fallback else None
        )

    def finditer(self, lowered: str) -> list[tuple[int, int, str]]:
        return self.grouped(lowered).get("", [])

    def grouped(self, lowered: str) -> dict[str, list[tuple[int, int, str]]]:
        """Matches per group (e.g. per record field), each group as :meth:`finditer` gives them."""
        found: list[tuple[int, int, int]] = []  # start, pattern index, end
        if self._ac is not None:
            tried: set[tuple[int, int]] = set()
            compiled, key_patterns = self.compiled, self._key_patterns
            for key, start, _ in self._ac.find_matches_as_indexes(spaced(lowered), overlapping=True):
                # the key's leading space stands for the character before the word
                start -= self._shift[key]
                if start and lowered[start - 1] in "_-":
                    continue
                for i in key_patterns[key]:
                    if (start, i) in tried:
                        continue
                    tried.add((start, i))
                    m = compiled[i].match(lowered, start)
                    if m and m.end() > start:
                        found.append((start, i, m.end()))
        if self._fallback_regex is not None:
            for m in self._fallback_regex.finditer(lowered):
                found.append((m.start(), self._fallback[(m.lastindex or 1) - 1], m.end()))
        found.sort()
        out: dict[str, list[tuple[int, int, str]]] = {}
        last_start: dict[str, int] = {}
        for start, i, end in found:
            group = self.groups[i]
            if last_start.get(group) == start:
                continue  # the earlier pattern wins where two start at the same word
            out.setdefault(group, []).append((start, end, self.labels[i]))
            last_start[group] = start
        return out
