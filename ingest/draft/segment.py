"""A policy's structure: sections under headings, and the sentences and list items in them.

Offsets are code-point offsets into the policy text, so every unit is a verbatim
quote. A list item keeps the sentence that introduces the list as its *lead*: in
"We collect:\\n- your name", the item is the value and the lead says what is done.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_LINE = re.compile(r"[^\n]*\n?")
_ITEM = re.compile(r"^(\s*)(?:[-*•·–▪◦]|\d{1,2}[.)]|[a-zA-Z][.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
# A sentence ends at . ! ? followed by space and an upper-case letter, digit or quote,
# unless the dot ends a common abbreviation.
# (The regex takes the . ! ? too, so that the regex engine scans for them alone; the end of the
# sentence is one character after the start of its match.)
_SENTENCE_END = re.compile(r"[.!?][\"”»)]?\s+(?=[\"“«(]?[A-ZÆØÅÄÖÜÉ0-9])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:f\.eks|bl\.a|t\.ex|t\.eks|e\.g|i\.e|jf|jfr|ca|nr|no|org|art|pkt|st|mv|osv|etc|inkl|evt|ev|dvs|d\.v\.s"
    r"|m\.fl|bl\.\s?a|fx|iflg|ift|vs|mr|mrs|dr|inc|ltd|co|tlf|tel|pr|kap|avd|resp|u\.a|s\.k))\.$",
    re.I,
)
_RUN_IN = re.compile(r"([A-ZÆØÅÄÖ][^.:!?\n|]{2,60}):[ \t]+(?=[A-ZÆØÅÄÖ])")
_INITIAL = re.compile(r"(?<!\w)[A-ZÆØÅ]\.$")


@dataclass
class Unit:
    """A heading, a sentence or a list item: ``text[start:end]``."""

    start: int
    end: int
    kind: str  # heading | sentence | item
    section: int
    lead: int | None = None  # index of the unit that introduces a list item


@dataclass
class Section:
    heading: int | None  # index of the heading unit (None: text before the first heading)
    level: int
    units: list[int] = field(default_factory=list)


@dataclass
class Layout:
    text: str
    units: list[Unit]
    sections: list[Section]
    starts: list[int]

    def unit_at(self, offset: int) -> int:
        """Index of the unit containing ``offset`` (the nearest one before it)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def quote(self, index: int) -> str:
        u = self.units[index]
        return self.text[u.start : u.end]

    def heading_text(self, section: int) -> str:
        h = self.sections[section].heading
        return self.quote(h) if h is not None else ""


def _is_heading(line: str, prev_blank: bool, next_line: str | None) -> int:
    """0 if not a heading, else its level (1 = top)."""
    stripped = line.strip()
    if not stripped:
        return 0
    md = _MD_HEADING.match(line)
    if md:
        return len(md.group(1))
    if len(stripped) > 90 or (_ITEM.match(line) and not _NUMBERED_HEADING.match(line)):
        return 0
    words = stripped.split()
    if len(words) > 12 or stripped[-1] in ".,;:)" or " | " in stripped:
        return 0
    if not (stripped[0].isupper() or stripped[0].isdigit()):
        return 0
    followed = next_line is None or not next_line.strip() or not _ITEM.match(next_line)
    if not (prev_blank or followed):
        return 0
    numbered = _NUMBERED_HEADING.match(line)
    if numbered:
        return 1 + numbered.group(1).count(".")
    return 2


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = start
    chunk = text[start:end]
    for m in _SENTENCE_END.finditer(chunk):
        cut = start + m.start() + 1
        tail = text[max(pos, cut - 12) : cut]
        if _ABBREVIATIONS.search(tail) or _INITIAL.search(tail):
            continue
        if cut > pos:
            spans.append((pos, cut))
        pos = start + m.end()
    if pos < end:
        spans.append((pos, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def segment(text: str) -> Layout:
    """Split a policy into sections, sentences and list items.

    >>> lay = segment("Hva vi samler inn\\n\\nVi samler inn:\\n- navn\\n- e-post\\n")
    >>> [(u.kind, lay.quote(i)) for i, u in enumerate(lay.units)]
    [('heading', 'Hva vi samler inn'), ('sentence', 'Vi samler inn:'), ('item', 'navn'), ('item', 'e-post')]
    """
    lines: list[tuple[int, str]] = []
    pos = 0
    for m in _LINE.finditer(text):
        if not m.group(0):
            break
        lines.append((pos, m.group(0).rstrip("\n")))
        pos = m.end()
    units: list[Unit] = []
    sections = [Section(heading=None, level=0)]
    lead: int | None = None
    para: list[tuple[int, int]] = []  # (start, end) of the current paragraph's lines

    def flush() -> None:
        nonlocal lead
        if not para:
            return
        s, e = para[0][0], para[-1][1]
        para.clear()
        run_in = _RUN_IN.match(text, s, e)
        if run_in and len(run_in.group(1).split()) <= 6:
            # "Marketing: we send ..." -- a paragraph that opens with its own heading
            level = sections[-1].level + 1 if sections[-1].heading is not None else 2
            sections.append(Section(heading=len(units), level=level))
            units.append(Unit(run_in.start(1), run_in.end(1), "heading", len(sections) - 1))
            sections[-1].units.append(len(units) - 1)
            s = run_in.end()
        for a, b in _sentences(text, s, e):
            units.append(Unit(a, b, "sentence", len(sections) - 1))
            sections[-1].units.append(len(units) - 1)
        lead = len(units) - 1

    prev_blank = True
    for i, (off, line) in enumerate(lines):
        nxt = lines[i + 1][1] if i + 1 < len(lines) else None
        if not line.strip():
            flush()
            prev_blank = True
            continue
        level = _is_heading(line, prev_blank, nxt)
        item = _ITEM.match(line)
        if level:
            flush()
            md = _MD_HEADING.match(line)
            a, b = _trim(text, off + (md.end() if md else 0), off + len(line))
            sections.append(Section(heading=len(units), level=level))
            units.append(Unit(a, b, "heading", len(sections) - 1))
            sections[-1].units.append(len(units) - 1)
            lead = len(units) - 1
        elif item:
            flush()
            a, b = _trim(text, off + item.end(), off + len(line))
            if b > a:
                units.append(Unit(a, b, "item", len(sections) - 1, lead))
                sections[-1].units.append(len(units) - 1)
        elif para and lines[i - 1][1].strip() and _ITEM.match(lines[i - 1][1]) is None:
            para.append((off, off + len(line)))
        else:
            flush()
            para.append((off, off + len(line)))
        prev_blank = False
    flush()
    return Layout(text, units, sections, [u.start for u in units])
