"""Who is who in a policy: the controller (name, contact, address, organisation number,
country) and the organisations it names — from the gazetteer of widely used services,
and any legal entity written with its company-form suffix (AS, AB, ApS, Ltd, ...).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest.draft.lexicon import Lexicon
from ingest.draft.matching import PatternSet
from ingest.draft.segment import Layout

GAZETTEER = Path(__file__).with_name("gazetteer.yaml")

_UPPER = "A-ZÆØÅÄÖÜÉ"
_SUFFIX = (
    r"AS|ASA|AB|A/S|ApS|IVS|I/S|P/S|Oy|Oyj|Ltd\.?|Limited|LLC|L\.L\.C\.|Inc\.?|GmbH|B\.V\.|BV|N\.V\.|S\.A\.|"
    r"SAS|S\.L\.|SIA|UAB|OÜ|AG|Corp\.?|Corporation|plc|PLC|hf\.?|ehf\.?|SE|SA"
)
# A company-form suffix after a word, then the (up to five-word) name before it.
# (It is (?<=[\w.)])[ \t]*,?[ \t]+(?:SUFFIX)..., written to start with its first character, the
# look-behinds after it, so that the regex engine scans for blanks and commas alone.)
LEGAL_SUFFIX = re.compile(
    rf"[ \t,](?<=[\w.)][ \t,])(?:(?<=,)[ \t]+|(?<=[ \t])[ \t]*(?:,[ \t]+)?)(?:{_SUFFIX})(?:[ \t]+\(publ\))?(?![\w/])"
)
NAME_BEFORE = re.compile(
    rf"(?<![\w&])(?:[{_UPPER}0-9][\w&.'’-]*)(?:[ \t]+(?:[{_UPPER}0-9&][\w&.'’-]*|og|and|&|of|for|i|och)){{0,4}}$"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)(?:47|46|45)[ \t]?\d{2,3}(?:[ \t]?\d{2,3}){2,3}(?!\d)"
    r"|(?<!\d)\d{2}[ \t]\d{2}[ \t]\d{2}[ \t]\d{2}(?!\d)|(?<!\d)\d{3}[ \t]\d{2}[ \t]\d{3}(?!\d)"
)
PHONE_CUE = re.compile(r"\b(?:tlf|telefon|tel|phone|ring|mobil|nummer)\b", re.I)
# An organisation number, per country, and the words every match of it starts with (lower case;
# none of their letters has another case form than the ASCII one, so the lower-cased text has
# them wherever the pattern can match).
ORG_NUMBER = (
    (re.compile(r"(?:org(?:anisasjons|anisations)?\.?[ \t-]*(?:nr|nummer)\.?|foretaksnummer)[ \t:.]*((?:NO[ \t]?)?\d{3}[ \t]?\d{3}[ \t]?\d{3})(?:[ \t]?MVA)?(?!\d)", re.I), "NO", ("org", "foreta")),  # noqa: E501
    (re.compile(r"(?:org(?:anisations)?\.?[ \t-]*(?:nr|nummer)\.?|organisationsnummer)[ \t:.]*(\d{6}-\d{4})(?!\d)", re.I), "SE", ("org",)),  # noqa: E501
    (re.compile(r"\bCVR(?:-nr\.?|-nummer|[ \t]nr\.?)?[ \t:.]*(\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2})(?!\d)", re.I), "DK", ("cvr",)),  # noqa: E501
)  # fmt: skip
ADDRESS = re.compile(
    rf"([{_UPPER}][\w.'’-]+(?:[ \t][\w.'’-]+){{0,3}}[ \t]\d{{1,4}}[ \t]?[A-Za-z]?),?[ \t]+"
    rf"(?:(?:N|NO|S|SE|DK)-?)?(\d{{4}}|\d{{3}}[ \t]?\d{{2}})[ \t]+"
    rf"([{_UPPER}][\wæøåäöüé-]+(?:[ \t][{_UPPER}][\wæøåäöüé-]+)?)"
)
COUNTRY_WORDS = {
    "NO": re.compile(r"\b(?:Norge|Norway|Noreg|Norwegian|norsk)\b"),
    "SE": re.compile(r"\b(?:Sverige|Sweden|Swedish|svensk)\b"),
    "DK": re.compile(r"\b(?:Danmark|Denmark|Danish|dansk)\b"),
}
_PHONE_COUNTRY = {"47": "NO", "46": "SE", "45": "DK"}
# "Arbeids- og velferdsdirektoratet som er behandlingsansvarleg": the name just before the cue
_NAME_BEFORE_CUE = re.compile(
    rf"([{_UPPER}][\w&.'’-]*(?:[ \t]+(?:(?:og|och|and)[ \t]+[\w-]+|[{_UPPER}][\w&.'’-]*)){{0,4}})[^{_UPPER}]*$"
)
_TITLE_WORDS = re.compile(
    r"^(?:Personvern\w*|Integritet\w*|Privacy|Privatliv\w*|Persondata\w*|Dataskydd\w*|Cookie\w*|Policy|Vilkår|Villkor)$",
    re.I,
)
_NOT_NAMES = re.compile(
    r"^(?:Vi|Vår|Våre|We|Our|Denne|Dette|Den|Det|Du|Hvis|Dersom|Som|The|This|I|Om|Om oss|Når|All|Alle|Disse)$"
)


@dataclass
class Service:
    id: str
    entity: str
    country: str
    kind: str
    role: str
    source: str
    registry: str | None = None


@dataclass
class Mention:
    """An organisation named in a sentence: which words, where, and what we know of it."""

    name: str
    start: int
    end: int
    unit: int
    service: Service | None = None


@dataclass
class Parties:
    controller_name: Mention | None
    controller_how: str
    contacts: list[tuple[str, int, int]] = field(default_factory=list)  # value, start, end
    address: tuple[str, int, int] | None = None
    identifier: tuple[str, int, int, str] | None = None  # value, start, end, country
    country: tuple[str, int, int] | None = None  # code, start, end of the words saying so
    organisations: list[Mention] = field(default_factory=list)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[PatternSet, list[Service]]:
    data: dict[str, Any] = yaml.safe_load(GAZETTEER.read_text("utf-8"))
    services: list[Service] = []
    parts: list[tuple[str, str]] = []
    for entry in data["services"]:
        if not isinstance(entry.get("country"), str):
            raise ValueError(
                f"{GAZETTEER}: {entry.get('id')}: country must be a quoted ISO code (YAML reads NO as false)"
            )
        services.append(
            Service(
                **{k: entry[k] for k in ("id", "entity", "country", "kind", "role", "source")},
                registry=entry.get("registry"),
            )
        )
        parts.extend((str(len(services) - 1), name) for name in entry["names"])
    return PatternSet(parts), services


def _clean_name(name: str) -> str:
    return name.strip(" \t,.;:()\"'«»“”")


def find_parties(layout: Layout, lowered: str, lex: Lexicon) -> Parties:
    text = layout.text
    pattern, services = gazetteer()
    mentions: list[Mention] = []
    for start, end, label in pattern.finditer(lowered):
        mentions.append(Mention(text[start:end], start, end, layout.unit_at(start), services[int(label)]))
    taken = [(mm.start, mm.end) for mm in mentions]
    entities: list[Mention] = []
    for m in LEGAL_SUFFIX.finditer(text):
        window_start = max(0, m.start() - 120)
        found = NAME_BEFORE.search(text, window_start, m.start())
        if found is None:
            continue
        head = found.group(0).split()
        if any(_TITLE_WORDS.match(w) for w in head):  # "Privacy policy of Acme AS": the name is after the title
            while head and not _TITLE_WORDS.match(head[0]):
                head.pop(0)
            while head and (_TITLE_WORDS.match(head[0]) or head[0].islower()):
                head.pop(0)
        while head and _NOT_NAMES.match(head[0]):
            head.pop(0)
        if not head:
            continue
        start = found.start() + found.group(0).index(head[0])
        if any(a <= start < b or start <= a < m.end() for a, b in taken):
            continue
        entities.append(Mention(_clean_name(text[start : m.end()]), start, m.end(), layout.unit_at(start)))
    listed = _listed(layout, lowered, lex, [*mentions, *entities])
    controller, how = _controller(layout, lowered, lex, entities)
    if controller is not None:
        key = controller.name.lower()
        entities = [e for e in entities if not (e.name.lower().endswith(key) or key.endswith(e.name.lower()))]
    if controller is not None:
        key = controller.name.lower()
        listed = [e for e in listed if e.name.lower() != key]
    parties = Parties(controller, how, organisations=mentions + entities + listed)
    _contact(layout, parties)
    return parties


_LISTED_NAME = re.compile(rf"([{_UPPER}][\w&.'’-]*(?:[ \t]+[{_UPPER}0-9][\w&.'’-]*){{0,3}})(?=[ \t]*(?:$|[(:,–-]|\n))")
_ORG_CUES = ("processor", "subprocessor", "third_party")
_NAME_WORDS = rf"[{_UPPER}][\w&.'’-]*(?:[ \t]+[{_UPPER}0-9][\w&.'’-]*){{0,2}}"
# "Vi bruker Skyra til å ...", "We use Hotjar to ...": a named tool is a recipient of data
# (written to start with its first letter, the word-boundary check after it as a look-behind, so
# that the regex engine scans for those letters alone: the same matches as \b(?:[Vv]i|[Ww]e)...)
_WE_USE = re.compile(
    rf"[VvWw](?<!\w[VvWw])(?:(?<=[Vv])i|(?<=[Ww])e)"
    rf"[ \t]+(?:bruker|benytter|brukar|nyttar|använder|anvender|bruger|use|uses)"
    rf"(?:[ \t]+(?:oss[ \t]+av|også|også))?[ \t]+({_NAME_WORDS})[ \t]+(?:til|for|för|to|som|as|på|i)\b"
)
_SERVICES_WORD = re.compile(
    r"(?:tjenest|tjänst|tjenest|services?|partner|leverandør|leverantör|verktøy|verktyg|værktøj|tools?)\w*"
)
_LIST_SPLIT = re.compile(r"[ \t]*([^,;()\n]+?)[ \t]*(?:,|;|\(|\)|\bog\b|\boch\b|\band\b|\bsamt\b|\.$|$)")


def _listed(layout: Layout, lowered: str, lex: Lexicon, known: list[Mention]) -> list[Mention]:
    """Names listed under a sentence about processors or third parties ("Vi bruker
    følgende leverandører:" then "- Skyra (spørreundersøkelser)"), when the list item
    starts with a name and is not a category of data."""
    text = layout.text
    taken = {(m.start, m.end) for m in known}
    out: list[Mention] = []

    def add(start: int, end: int, unit: int) -> None:
        name = _clean_name(text[start:end])
        if len(name) < 2 or any(a <= start < b for a, b in taken) or _NOT_NAMES.match(name.split()[0]):
            return
        if lex.says_anything(name.lower()):  # "Navn", "E-post": data, not a company
            return
        taken.add((start, end))
        out.append(Mention(name, start, start + len(name), unit))

    for m in _WE_USE.finditer(text):
        add(m.start(1), m.end(1), layout.unit_at(m.start(1)))
    org_lead: dict[int, bool] = {}  # does the sentence leading a list speak of processors or third parties
    for i, u in enumerate(layout.units):
        sentence = text[u.start : u.end]
        colon = sentence.find(":")
        if u.kind == "sentence" and 0 < colon < len(sentence) - 3:
            head = lowered[u.start : u.start + colon]
            if any(lex.cue(c, head) for c in _ORG_CUES) or _SERVICES_WORD.search(head):
                for chunk in _LIST_SPLIT.finditer(sentence, colon + 1):
                    if _LISTED_NAME.fullmatch(chunk.group(1)):
                        add(u.start + chunk.start(1), u.start + chunk.end(1), i)
        if u.kind != "item" or u.lead is None:
            continue
        if u.lead not in org_lead:  # asked once per list, not once per item
            lead = layout.units[u.lead]
            lead_text = lowered[lead.start : lead.end]
            org_lead[u.lead] = lead_text.rstrip().endswith(":") and any(lex.cue(c, lead_text) for c in _ORG_CUES)
        if not org_lead[u.lead]:
            continue
        item = _LISTED_NAME.match(text, u.start, u.end)
        if item is not None:
            add(item.start(1), item.end(1), i)
    return out


def _controller(layout: Layout, lowered: str, lex: Lexicon, entities: list[Mention]) -> tuple[Mention | None, str]:
    text = layout.text
    counts = Counter(e.name for e in entities)
    best: tuple[float, Mention] | None = None
    for e in entities:
        u = layout.units[e.unit]
        sentence = lowered[u.start : u.end]
        score = counts[e.name] + (6 if lex.cue("controller", sentence) else 0) + (3 if e.start < len(text) * 0.2 else 0)
        if lex.cue("processor", sentence) or lex.cue("subprocessor", sentence):
            score -= 2
        if best is None or score > best[0]:
            best = (score, e)
    if best is not None:
        return best[1], "legal entity named as controller" if best[0] >= 6 else "most named legal entity"
    # No company-form suffix: a capitalised name right before "is the controller".
    for u in layout.units:
        sentence = lowered[u.start : u.end]
        cue = lex.cue("controller", sentence)
        if not cue:
            continue
        original = text[u.start : u.start + cue.start()]
        m = _NAME_BEFORE_CUE.search(original)
        if m and not _NOT_NAMES.match(m.group(1).split()[0]):
            s = u.start + m.start(1)
            return Mention(
                _clean_name(m.group(1)), s, s + len(_clean_name(m.group(1))), layout.units.index(u)
            ), "name before the controller statement"
        after = text[u.start + cue.end() : u.end]
        m2 = re.search(rf"(?:er|är|is)?[ \t:]*([{_UPPER}][\w&.'’-]*(?:[ \t]+[{_UPPER}][\w&.'’-]*){{0,3}})", after)
        if m2 and not _NOT_NAMES.match(m2.group(1).split()[0]):
            s = u.start + cue.end() + m2.start(1)
            name = _clean_name(m2.group(1))
            return Mention(name, s, s + len(name), layout.units.index(u)), "name after the controller statement"
    return _from_domain(layout), "name matching the contact e-mail domain"


_GENERIC_DOMAINS = {"gmail", "hotmail", "outlook", "yahoo", "live", "icloud", "online", "mail", "post", "email"}


def _from_domain(layout: Layout) -> Mention | None:
    """The organisation whose name is the policy's e-mail domain ("post@acme.no" -> "Acme").

    An abbreviation in brackets takes the name before it: "Polyteknisk Forening (PF)".
    """
    text = layout.text
    for m in _emails(text):
        label = m.group(0).rsplit("@", 1)[1].split(".")[-2].lower()
        if len(label) < 2 or label in _GENERIC_DOMAINS:
            continue
        for w in re.finditer(rf"(?<![\w@./-]){re.escape(label)}(?![\w@/-]|\.\w)", text, re.I):
            start, end = w.start(), w.end()
            if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
                before = re.search(rf"([{_UPPER}][\w-]*(?:[ \t]+[{_UPPER}][\w-]*){{0,4}})[ \t]*$", text[: start - 1])
                if before:
                    start, end = before.start(1), before.end(1)
            if not text[start].isupper():
                continue
            return Mention(text[start:end], start, end, layout.unit_at(start))
    return None


# A postcode: four digits, or three and two, not after a digit or hyphen; then the town's capital.
# Written to start with its first digit, the look-behind after it, so that the regex engine
# scans for digits alone: the same matches as (?<![\d-])(?:\d{4}|\d{3}[ \t]?\d{2})[ \t]+[A-Z...].
_POSTCODE = re.compile(rf"\d(?<![\d-]\d)(?:\d{{3}}|\d{{2}}[ \t]?\d{{2}})[ \t]+[{_UPPER}]")


def _addresses(text: str) -> list[re.Match[str]]:
    """Street, number, postcode and town; found from the postcode backwards (fast)."""
    out: list[re.Match[str]] = []
    for pc in _POSTCODE.finditer(text):
        m = ADDRESS.search(text, max(0, pc.start() - 60), pc.end() + 40)
        if m and m.start(2) == pc.start() and (not out or m.start() >= out[-1].end()):
            out.append(m)
    return out


# Where a telephone number can start: (?:\+|00)(?:47|46|45)|(?<!\d)\d{2,3}[ \t]\d{2}, written to start
# with its first character (the look-behinds after it), so that the regex engine scans for "+" and
# digits alone; it matches the same.
_PHONE_START = re.compile(r"[+\d](?:(?<=\+)(?:47|46|45)|(?<=0)0(?:47|46|45)|(?<=\d)(?<!\d\d)\d{1,2}[ \t]\d{2})")


def _phones(text: str) -> list[re.Match[str]]:
    """Telephone numbers; the full pattern is tried only where one can start (fast)."""
    out: list[re.Match[str]] = []
    for start in _PHONE_START.finditer(text):
        if out and start.start() < out[-1].end():
            continue
        m = PHONE.match(text, start.start())
        if m is None and start.start() > 0:
            m = PHONE.match(text, start.start() - 1) if text[start.start() - 1] == "+" else None
        if m:
            out.append(m)
    return out


def _emails(text: str) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    at = text.find("@")
    while at >= 0:
        m = EMAIL.search(text, max(0, at - 64), at + 256)
        if m and m.start() <= at < m.end() and (not out or m.start() >= out[-1].end()):
            out.append(m)
        at = text.find("@", at + 1)
    return out


def _first_at(pattern: re.Pattern[str], text: str, lowered: str, starts: tuple[str, ...]) -> re.Match[str] | None:
    """``pattern.search(text)``, tried only where one of the words every match starts with is.

    A case-blind pattern cannot be searched for by its first letters, and the words are
    common inside other words ("org" in "sørge"): trying the pattern at each of their places
    costs a tenth of a search through the whole text.
    """
    places = sorted(i for word in starts for i in _places(lowered, word))
    for i in places:
        m = pattern.match(text, i)
        if m:
            return m
    return None


def _places(lowered: str, word: str) -> list[int]:
    out = []
    i = lowered.find(word)
    while i >= 0:
        out.append(i)
        i = lowered.find(word, i + 1)
    return out


def _contact(layout: Layout, parties: Parties) -> None:
    text = layout.text
    seen = set()
    for m in _emails(text):
        value = m.group(0).rstrip(".")
        if value.lower() not in seen:
            seen.add(value.lower())
            parties.contacts.append((value, m.start(), m.start() + len(value)))
    for m in _phones(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if PHONE_CUE.search(before) or m.group(0).startswith(("+", "00")):
            parties.contacts.append((m.group(0), m.start(), m.end()))
    lowered = text.lower()
    same_offsets = len(lowered) == len(text)
    for pattern, country, starts in ORG_NUMBER:
        if "org" not in lowered and "foretaks" not in lowered and "cvr" not in lowered:
            break
        found = _first_at(pattern, text, lowered, starts) if same_offsets else pattern.search(text)
        if found:
            parties.identifier = (found.group(1), found.start(1), found.end(1), country)
            break
    name = parties.controller_name
    addresses = _addresses(text)
    if addresses:
        near = [a for a in addresses if name and abs(a.start() - name.start) < 300] or addresses
        a = near[0]
        parties.address = (a.group(0), a.start(), a.end())
        window = text[a.end() : a.end() + 40]
        for code, words in COUNTRY_WORDS.items():
            w = words.search(window)
            if w:
                parties.country = (code, a.end() + w.start(), a.end() + w.end())
    if parties.country is None and parties.identifier:
        value, start, end, code = parties.identifier
        parties.country = (code, start, end)
    if parties.country is None:
        for value, start, end in parties.contacts:
            digits = value.lstrip("+0")
            if value.startswith(("+", "00")) and digits[:2] in _PHONE_COUNTRY:
                parties.country = (_PHONE_COUNTRY[digits[:2]], start, end)
                break
