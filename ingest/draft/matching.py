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


_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_CATEGORIES = {
    sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W", sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
}  # fmt: skip


def _first(items: list[Any]) -> tuple[list[str], bool] | None:
    """The characters a match of a parsed sequence can start with (as character-class parts),
    and whether the sequence can match empty; None if that is not simply known."""
    out: list[str] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return [*out, re.escape(chr(av))], False
        if op is sre.IN:
            parts = []
            for iop, iav in av:
                if iop is sre.LITERAL:
                    parts.append(re.escape(chr(iav)))
                elif iop is sre.RANGE:
                    parts.append(f"{re.escape(chr(iav[0]))}-{re.escape(chr(iav[1]))}")
                elif iop is sre.CATEGORY and iav in _CATEGORIES:
                    parts.append(_CATEGORIES[iav])
                else:
                    return None
            return [*out, *parts], False
        if op is sre.SUBPATTERN and not av[1] and not av[2]:
            inner = _first(list(av[3]))
        elif op is sre.BRANCH:
            branches = [_first(list(b)) for b in av[1]]
            if any(b is None for b in branches):
                return None
            inner = ([c for b in branches for c in b[0]], any(b[1] for b in branches))  # type: ignore[index]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            inner = _first(list(av[2]))
            inner = (inner[0], inner[1] or av[0] == 0) if inner else None
        else:
            return None
        if inner is None:
            return None
        out.extend(inner[0])
        if not inner[1]:
            return out, False
    return out, True


def _first_class(pattern: str) -> str | None:
    """A character class of the characters every match of ``pattern`` starts with, or None."""
    first = _first(list(sre_parse.parse(pattern)))
    if first is None or first[1] or not first[0]:
        return None
    return f"[{''.join(first[0])}]"


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    """The patterns as one regex matched at word starts, each its own group, in order.

    Each alternative is put behind a look-ahead for the characters it can start with, and the
    whole behind one for all of them: the regex engine then rejects most positions with one
    comparison rather than by trying every pattern, look-behinds first. The look-aheads change
    nothing that is matched, nor which alternative matches.
    """
    classes = [_first_class(p) for p in patterns]
    alternatives = "|".join(f"(?={c})({p})" if c else f"({p})" for c, p in zip(classes, patterns, strict=True))
    anyone = "" if None in classes else "(?=[" + "".join(c[1:-1] for c in classes if c) + "])"
    return re.compile(rf"{anyone}(?<![\w-])(?:{alternatives})")


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
        self._fallback_regex = _alternation([labelled[i][1] for i in fallback]) if fallback else None

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
