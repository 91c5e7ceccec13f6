"""Matching hundreds of word-start patterns over a policy in one pass.

Python's regular expressions try every alternative at every word start, which is slow
for large lexicons. Most patterns begin with a literal word stem, so an Aho-Corasick
automaton (Rust, ``ahocorasick_rs``) finds every place a stem occurs in one scan, and
only there, at a word start, is the full pattern tried. Patterns without a literal stem of two or more
characters are run as one alternation (:mod:`ingest.draft.alternation`): where two of them
start at the same word, only the first is found. At each word start the earlier
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

from ingest.draft.alternation import Alternation

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


def _is_word(ch: str) -> bool:
    """Is ``ch`` a word character (``\\w``)?"""
    return ch.isalnum() or ch == "_"


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
        stems_of: dict[int, list[str]] = {}
        for i, (_, pattern) in enumerate(labelled):
            stems = _stems(list(sre_parse.parse(pattern)))
            if stems is None or not all(_is_word(stem[0]) for stem in stems):
                fallback.append(i)
            else:
                stems_of[i] = list(dict.fromkeys(stems))
                for stem in stems_of[i]:
                    keys[stem].append(i)
        self._keys = list(keys)
        self._key_patterns = [keys[k] for k in self._keys]
        # a pattern can be found twice at one place only through two stems, one the start of the other
        self._twice = {i for i, ss in stems_of.items() if any(a != b and b.startswith(a) for a in ss for b in ss)}
        # Every place a stem occurs is found in one scan; those not at a word start are skipped.
        self._ac = ahocorasick_rs.AhoCorasick(self._keys) if self._keys else None
        self._fallback = fallback
        self._fallback_patterns = Alternation([labelled[i][1] for i in fallback]) if fallback else None

    def finditer(self, lowered: str) -> list[tuple[int, int, str]]:
        return self.grouped(lowered).get("", [])

    def grouped(self, lowered: str) -> dict[str, list[tuple[int, int, str]]]:
        """Matches per group (e.g. per record field), each group as :meth:`finditer` gives them."""
        found: list[tuple[int, int, int]] = []  # start, pattern index, end
        if self._ac is not None:
            tried: set[tuple[int, int]] = set()
            compiled, key_patterns, twice = self.compiled, self._key_patterns, self._twice
            for key, start, _ in self._ac.find_matches_as_indexes(lowered, overlapping=True):
                if start and (lowered[start - 1].isalnum() or lowered[start - 1] in "_-"):
                    continue  # not a word start (a hyphen does not start a word either)
                for i in key_patterns[key]:
                    if i in twice:
                        if (start, i) in tried:
                            continue
                        tried.add((start, i))
                    m = compiled[i].match(lowered, start)
                    if m and m.end() > start:
                        found.append((start, i, m.end()))
        if self._fallback_patterns is not None:
            found.extend((start, self._fallback[j], end) for start, j, end in self._fallback_patterns.matches(lowered))
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
