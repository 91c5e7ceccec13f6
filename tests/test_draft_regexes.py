"""The drafting regexes written for speed match exactly what their plain forms match.

Several regexes in ingest/draft/ are written to start with a character class (the look-behind
after it) so that the regex engine scans for that class alone, and the lexicon's fallback
patterns are matched by ``Alternation`` rather than by one regex tried at every word start.
Each is compared here with its plain form on many generated strings and on the real policies.
"""

from __future__ import annotations

import importlib
import random
import re
from pathlib import Path

import pytest

from ingest.draft.alternation import Alternation, heads, required
from ingest.draft.lexicon import lexicon

parties = importlib.import_module("ingest.draft.parties")
assemble = importlib.import_module("ingest.draft.assemble")
segment = importlib.import_module("ingest.draft.segment")

ROOT = Path(__file__).resolve().parent.parent
POLICIES = [p.read_text("utf-8") for p in sorted((ROOT / "data").glob("**/policies/*.txt"))]
U = parties._UPPER


def _strings(pieces: list[str], count: int, longest: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


PLAIN = [
    (
        parties._POSTCODE,
        rf"(?<![\d-])(?:\d{{4}}|\d{{3}}[ \t]?\d{{2}})[ \t]+[{U}]",
        list("0123456789- \tAaØ\n"),
    ),
    (parties._PHONE_START, r"(?:\+|00)(?:47|46|45)|(?<!\d)\d{2,3}[ \t]\d{2}", list("0123456745+- \tx")),
    (
        parties.LEGAL_SUFFIX,
        rf"(?<=[\w.)])[ \t]*,?[ \t]+(?:{parties._SUFFIX})(?:[ \t]+\(publ\))?(?![\w/])",
        ["Acme", "AS", "ASA", "A/S", "Ltd.", " ", "\t", ",", ".", ")", "(publ)", "SE", "x", "/", "B.V.", "\n"],
    ),
    (
        parties._WE_USE,
        r"\b(?:[Vv]i|[Ww]e)[ \t]+(?:bruker|benytter|brukar|nyttar|använder|anvender|bruger|use|uses)"
        rf"(?:[ \t]+(?:oss[ \t]+av|også|også))?[ \t]+({parties._NAME_WORDS})[ \t]+(?:til|for|för|to|som|as|på|i)\b",
        ["Vi", "vi", "We", "xVi", "_", " ", "\t", "bruker", "use", "Hotjar", "Skyra", "til", "to", "også", ".", "-"],
    ),
    (assemble._YEAR, r"(?<!\d)(?:19|20)\d\d(?!\d)", list("0129 a-")),
]


@pytest.mark.parametrize(("fast", "plain", "pieces"), PLAIN, ids=lambda x: getattr(x, "pattern", "")[:12])
def test_fast_regex_matches_as_its_plain_form(fast: re.Pattern[str], plain: str, pieces: list[str]) -> None:
    slow = re.compile(plain)
    for s in [*_strings(pieces, 8000, 14, seed=1), *POLICIES]:
        assert [m.span() for m in fast.finditer(s)] == [m.span() for m in slow.finditer(s)], s
        assert [m.groups() for m in fast.finditer(s)] == [m.groups() for m in slow.finditer(s)], s


def test_sentence_end_is_one_character_into_its_match() -> None:
    slow = re.compile(r"(?<=[.!?])[\"”»)]?\s+(?=[\"“«(]?[A-ZÆØÅÄÖÜÉ0-9])")
    for s in [*_strings(list('.!? \n"”»)“«(Aa0x'), 8000, 14, seed=2), *POLICIES]:
        fast = [(m.start() + 1, m.end()) for m in segment._SENTENCE_END.finditer(s)]
        assert fast == [m.span() for m in slow.finditer(s)], s


def test_heads_are_what_every_match_starts_with() -> None:
    assert heads("(?<!mot )e-?post") == ["e-po", "epo"]
    assert heads("(?:har )?gitt") == ["har", "git"]
    assert heads("(?:10\\s*§|§\\s*10)") == ["10", "§"]
    assert heads("\\w+s? företrädare") is None
    assert heads("(?:a )?b") == ["a b", "b"]  # a one-letter head is still a head


def test_required_is_what_every_match_contains() -> None:
    assert required("\\w+s? företrädare\\b") == " företrädare"
    assert required("(?<!x)ab(?:c)?de") == "ab"
    assert required("(?i)abc") == ""  # any case would do: nothing literal is required


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "da", "en"])
def test_alternation_matches_as_one_regex(language: str) -> None:
    ps = lexicon(language).combined
    assert ps is not None
    patterns = [ps.compiled[i].pattern for i in ps._fallback]
    alternation = Alternation(patterns)
    words = sorted({w for t in POLICIES for w in re.findall(r"\w+|[^\w\s]|\s+", t.lower())})
    extra = ["e-mail", "e-post", "address", "names", "the ", "har gitt", "|", "§ 10", "10 §", "-", "företrädare"]
    rnd = random.Random(3)
    texts = [t.lower() for t in POLICIES]
    for _ in range(1500):
        chosen = [rnd.choice(extra if rnd.random() < 0.4 else words) for _ in range(rnd.randint(0, 25))]
        texts.append("".join(w + rnd.choice(["", " ", "-"]) for w in chosen))
    for text in texts:
        expected = [(m.start(), (m.lastindex or 1) - 1, m.end()) for m in alternation.regex.finditer(text)]
        assert alternation.matches(text) == expected, text
