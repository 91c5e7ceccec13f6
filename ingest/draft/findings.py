"""Finding what a policy states: lexicon matches placed in their sentence, with the
sentence's meaning checked (is it negated? is it a condition on our own action? is it
in the context the field needs?).

A *finding* is a concept (or code) a sentence supports, with the sentence as its quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.draft.lexicon import STRONG, Lexicon
from ingest.draft.segment import Layout

# A negation reaches over lists ("we do not collect your phone number or your date of
# birth") to the end of its clause; these words end the clause or turn it around.
_CLAUSE_BREAK = re.compile(
    r"[;:()]|\b(?:men|but|however|dock|imidlertid|derimot|bortsett fra|unntatt|med unntak av|except|other than|"
    r"andre enn|förutom|utom|undtagen|med undtagelse af|bortset fra|unless|med mindre|medmindre|såfremt|om inte|"
    r"which|som|der|hvor|where|när|når|when|och vi|og vi|and we)\b"
)

# Fields whose values need a context cue in the sentence, its list lead or heading.
CONTEXT = {"rights": "rights", "legal_bases": "legal_basis", "retention_events": "retention"}
# Fields where a condition on the controller's own action ("if we transfer") means it is
# not stated as happening.
CONDITIONAL_SKIPS = {"countries", "mechanisms"}


@dataclass(frozen=True)
class Finding:
    field: str
    concept: str
    unit: int  # index of the sentence/item/heading in the layout
    start: int  # where the matched words are
    end: int
    confidence: float


def _negated(lex: Lexicon, sentence: str, offset: int) -> bool:
    """Is the word at ``offset`` of ``sentence`` under a negation in its clause?"""
    if lex.cue("negation", sentence, offset) is None:
        return False  # most sentences: no negation before the word at all
    before = sentence[:offset]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(before)), default=0)
    clause = before[cut:]
    for m in lex.cue_all("negation", clause):
        exceptions = lex.cues.get("negation_exceptions")
        if exceptions and exceptions.match(clause, m.start()):
            continue
        return True
    return False


def _conditional_we(lex: Lexicon, sentence: str) -> bool:
    m = lex.cue("conditional_we", sentence)
    return bool(m and m.start() < 60)


def find(layout: Layout, lowered: str, lex: Lexicon) -> list[Finding]:
    """Every finding in the policy, in text order, negated statements left out."""
    out: list[Finding] = []
    units = layout.units
    texts: dict[int | None, str] = {None: ""}  # a unit's lower-cased text (None: no unit)
    # what a unit says, asked once per unit however many findings it holds
    lead_negated: dict[int, bool] = {}
    cued: dict[tuple[str, int | None], bool] = {}
    conditional: dict[int, bool] = {}
    negation_from: dict[int, int] = {}  # where a unit's first negation word is (its length: none)
    negation_words = lex.cue_words.get("negation")

    def negated(index: int, sentence: str, offset: int) -> bool:
        if negation_words is not None:
            if index not in negation_from:
                m = negation_words.search(sentence)
                negation_from[index] = m.start() if m else len(sentence)
            if negation_from[index] >= offset:
                return False  # most findings: no negation word before them in their sentence
        return _negated(lex, sentence, offset)

    def text_of(index: int | None) -> str:
        if index not in texts:
            u = units[index]  # type: ignore[index]
            texts[index] = lowered[u.start : u.end]
        return texts[index]

    def says(cue: str, index: int | None) -> bool:
        if (cue, index) not in cued:
            cued[cue, index] = bool(lex.cue(cue, text_of(index)))
        return cued[cue, index]

    for field_name, matches in lex.match_fields(lowered).items():
        for start, end, label in matches:
            strong = label.endswith(STRONG)
            concept = label.removesuffix(STRONG)
            ui = layout.unit_at(start)
            u = units[ui]
            if start >= u.end:  # between units (blank lines): nothing says it
                continue
            sentence = text_of(ui)
            if u.lead is not None and u.lead not in lead_negated:
                lead_text = text_of(u.lead)
                lead_negated[u.lead] = bool(lead_text) and _negated(lex, lead_text, len(lead_text))
            if negated(ui, sentence, start - u.start) or (u.lead is not None and lead_negated[u.lead]):
                continue
            confidence = 0.7
            cue = CONTEXT.get(field_name)
            if cue and strong:
                confidence = 0.8
            elif cue:
                heading = layout.sections[u.section].heading
                if says(cue, ui) or says(cue, u.lead):
                    confidence = 0.8
                elif says(cue, heading):
                    confidence = 0.65
                else:
                    continue
            if field_name in CONDITIONAL_SKIPS:
                if ui not in conditional:
                    conditional[ui] = _conditional_we(lex, sentence)
                if conditional[ui]:
                    continue
            if u.kind == "heading":
                confidence -= 0.1
            out.append(Finding(field_name, concept, ui, start, end, round(confidence, 2)))
    out.sort(key=lambda f: (f.start, f.field))
    return out
