"""How long data are kept, as the policy says it: concrete periods (``12 måneder`` ->
P12M) and the events storage lasts until ("as long as necessary", "until you
unsubscribe")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.draft.lexicon import Lexicon
from ingest.draft.segment import Layout

EVENTS = {
    "as-long-as-necessary": ("until-event", "As long as necessary for the purpose"),
    "until-withdrawn": ("until-event", "Until consent is withdrawn"),
    "until-unsubscribed": ("until-event", "Until the person unsubscribes"),
    "until-deletion-request": ("until-event", "Until the person asks for deletion"),
    "end-of-relationship": ("until-event", "Until the customer or membership relationship ends"),
    "end-of-recruitment": ("until-event", "Until the recruitment process ends"),
    "legal-requirement": ("until-event", "As long as the law requires"),
}
_UNIT_NAMES = {"D": "day", "W": "week", "M": "month", "Y": "year"}


@dataclass(frozen=True)
class Period:
    unit: int
    duration: str  # ISO 8601
    description: str
    start: int
    end: int


def _period_regex(lex: Lexicon) -> re.Pattern[str]:
    numbers = "|".join(sorted(map(re.escape, lex.numbers), key=len, reverse=True))
    units = "|".join(sorted(map(re.escape, lex.units), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(\d{{1,3}}|{numbers})[ \t]+(?:\w+[ \t]+)?({units})(?!\w)")


def periods(layout: Layout, lowered: str, lex: Lexicon) -> list[Period]:
    """Concrete storage periods in sentences about keeping or deleting data."""
    if not lex.units:
        return []
    regex = _period_regex(lex)
    out: list[Period] = []
    for i, u in enumerate(layout.units):
        sentence = lowered[u.start : u.end]
        if not lex.cue("retention", sentence):
            continue
        for m in regex.finditer(sentence):
            raw = m.group(1)
            n = int(raw) if raw.isdigit() else lex.numbers[raw]
            unit = lex.units[m.group(2)]
            if n <= 0 or (unit == "Y" and n > 30):
                continue
            name = _UNIT_NAMES[unit] + ("s" if n != 1 else "")
            out.append(Period(i, f"P{n}{unit}", f"{n} {name}", u.start + m.start(), u.start + m.end()))
    return out
