"""Sections of bench/RESULTS.md that separate benchmarks own, marked by HTML comments.

``bench.run`` writes the whole file; ``bench.drafting`` and ``bench.strategy`` each own
one section between ``<!-- bench.NAME -->`` and ``<!-- /bench.NAME -->``, which they
replace and ``bench.run`` carries over.
"""

from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"<!-- (bench\.[a-z]+) -->\n.*?<!-- /\1 -->\n?", re.S)


def write_section(output: Path, name: str, text: str) -> None:
    """Replace the section ``name`` of ``output`` with ``text`` (or append it); the rest stays."""
    begin, end = f"<!-- bench.{name} -->", f"<!-- /bench.{name} -->"
    block = f"{begin}\n{text.rstrip(chr(10))}\n{end}\n"
    old = output.read_text("utf-8") if output.exists() else "# Benchmark results\n"
    if begin in old and end in old:
        tail = old[old.index(end) + len(end) :].removeprefix("\n")
        new = old[: old.index(begin)] + block + tail
    else:
        new = old.rstrip("\n") + "\n\n" + block
    output.write_text(new, "utf-8")


def kept_sections(output: Path) -> str:
    """Every marked section of ``output`` (empty when there is none), to carry over."""
    old = output.read_text("utf-8") if output.exists() else ""
    return "\n".join(m.group(0).rstrip("\n") + "\n" for m in _SECTION.finditer(old))
