"""Reading a policy someone hands us: any encoding, plain text, Markdown or HTML.

The draft's quotes and offsets refer to the *text* this module returns (for HTML,
the visible text of the page, with headings and list items on their own lines);
``ropa ingest --draft`` stores exactly that text beside the record.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ropakg.errors import PolicyError

MAX_DRAFT_BYTES = 10 * 1024 * 1024
"""Larger inputs are refused: no privacy policy is anywhere near this size."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[ >]|<h[1-6])", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


@dataclass(frozen=True)
class PolicySource:
    """A policy as text: where it came from, the encoding read and its original format."""

    text: str
    encoding: str
    format: str  # text | markdown | html
    path: Path | None = None


def read_source(path: str | Path) -> PolicySource:
    """Read a policy file for drafting, or raise :class:`PolicyError` naming file and cause."""
    from ingest.policies import read_bytes

    path = Path(path)
    raw = read_bytes(path, MAX_DRAFT_BYTES)
    return decode(raw, path=path)


def decode(raw: bytes, *, path: Path | None = None) -> PolicySource:
    """Bytes to text: BOM, then UTF-8, then Windows-1252; HTML to visible text.

    >>> decode("Personvern – «vi»".encode("cp1252")).encoding
    'cp1252'
    """
    if len(raw) > MAX_DRAFT_BYTES:
        raise PolicyError(f"policy is too large ({len(raw):,} bytes; limit {MAX_DRAFT_BYTES:,})", file=path)
    encoding = None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, raw = name, raw[len(bom) :]
            break
    if encoding is None:
        if b"\x00" in raw:
            line = raw[: raw.index(b"\x00")].count(b"\n") + 1
            raise PolicyError("policy file is binary (NUL byte), not text", file=path, line=line)
        declared = _CHARSET.search(raw[:4096])
        candidates = ["utf-8"]
        if declared:
            candidates.insert(0, declared.group(1).decode("ascii").lower())
        candidates.append("cp1252")
        for name in candidates:
            try:
                text = raw.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
            encoding = name
            break
        else:
            raise PolicyError("policy is neither UTF-8 nor Windows-1252 text", file=path)
    else:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise PolicyError(f"policy is not valid {encoding}: {exc.reason}", file=path) from None
    _refuse_binary(text, path)
    if _HTML.match(raw[:2048]) or (encoding and text.lstrip()[:1] == "<" and "</" in text[:5000]):
        return PolicySource(html_to_text(text), encoding, "html", path)
    kind = "markdown" if re.search(r"^#{1,6} \S", text, re.M) else "text"
    return PolicySource(normalise_newlines(text), encoding, kind, path)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refuse_binary(text: str, path: Path | None) -> None:
    sample = text[:65536]
    if not sample.strip():
        raise PolicyError("policy is empty", file=path)
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if control > max(8, len(sample) // 100):
        raise PolicyError("policy file looks binary (control characters), not text", file=path)


_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "br", "li", "tr", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "iframe", "button", "form"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
            elif tag in ("td", "th"):
                self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: scripts, styles and navigation dropped,
    blocks and list items on their own lines.

    >>> html_to_text("<h1>Personvern</h1><script>x()</script><ul><li>Navn</li></ul>")
    'Personvern\\n\\n- Navn\\n'
    """
    parser = _Visible()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    out: list[str] = []
    for line in lines:
        if line in ("", "-"):
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n" if out else ""
