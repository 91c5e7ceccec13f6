"""Finding quotes: tolerant of whitespace and typography, exact in offsets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.quotes import PolicyText

POLICIES = sorted((Path(__file__).resolve().parent.parent / "data" / "policies").glob("*.txt"))


def test_exact_quote_gives_its_offsets() -> None:
    text = PolicyText("Vi bruker Google Analytics.")
    m = text.find("Google Analytics")
    assert (m.start, m.end, m.exact) == (10, 26, "Google Analytics")


def test_whitespace_and_line_breaks_are_tolerated() -> None:
    text = PolicyText("lagret i en database av en\n  underdatabehandler")
    m = text.find("database av en underdatabehandler")
    assert m is not None and m.exact == "database av en\n  underdatabehandler"


@pytest.mark.parametrize(
    ("policy", "quote"),
    [
        ("sertifisert under “EU‑US Privacy Shield”", 'sertifisert under "EU-US Privacy Shield"'),
        ("kontrakts‐ prosesser", "kontrakts- prosesser"),
        ("Albacross Nordic AB (“Albacross”)", 'Albacross Nordic AB ("Albacross")'),
        ("se her …", "se her ..."),
        ("tre\u00a0ord", "tre ord"),
    ],
)
def test_typographic_differences_are_tolerated(policy: str, quote: str) -> None:
    m = PolicyText(policy).find(quote)
    assert m is not None and m.exact == policy[m.start : m.end]


@pytest.mark.parametrize("quote", ["google analytics", "Google Analytic s", "Google Analytix"])
def test_letters_and_case_must_match(quote: str) -> None:
    assert PolicyText("Vi bruker Google Analytics.").find(quote) is None


def test_quote_not_in_text_is_none() -> None:
    assert PolicyText("Vi bruker informasjonskapsler.").find("Vi selger data") is None


def test_occurrence_selects_later_matches() -> None:
    text = PolicyText("samtykke ... samtykke ... samtykke")
    assert [m.start for m in text.find_all("samtykke")] == [0, 13, 26]
    assert text.find("samtykke", 2).start == 13
    assert text.find("samtykke", 4) is None


def test_empty_quote_finds_nothing() -> None:
    assert PolicyText("abc").find("   ") is None


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_span_of_a_seed_policy_is_found_at_its_offsets(data: st.DataObject) -> None:
    """Reflowed (whitespace changed) spans of real policies are found where they are."""
    text = data.draw(st.sampled_from(POLICIES)).read_text("utf-8")
    start = data.draw(st.integers(0, len(text) - 40))
    end = data.draw(st.integers(start + 20, min(len(text), start + 200)))
    span = text[start:end].strip()
    if len(span.split()) < 3:
        return
    reflowed = "\n".join(span.split())
    found = PolicyText(text).find_all(reflowed)
    assert found, span
    first = found[0]
    assert text[first.start : first.end] == first.exact
    assert " ".join(first.exact.split()) == " ".join(span.split())


_ALPHABET = " \n\t\r\u00a0\u2002\u3000ab.“”„–—\ufe58`'\"æø…ﬁ"  # \ufe58 becomes —, itself changed


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=40))
def test_the_search_text_is_the_policy_with_typography_unified_and_spaces_collapsed(text: str) -> None:
    """Each character of the search text comes from the policy character at its offset;
    the search text is the policy's characters, mapped, with runs of spaces made one and
    a leading run dropped."""
    from ingest.quotes import _canon_char

    policy = PolicyText(text)
    mapped = "".join(_canon_char(ch) for ch in text)
    assert policy._canon == re.sub(" {2,}", " ", mapped.lstrip(" "))
    for pos, ch in enumerate(policy._canon):
        assert ch in _canon_char(text[policy._origin(pos)])
