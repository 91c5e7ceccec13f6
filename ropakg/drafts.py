"""Drafts for review: which policies in the graph are unreviewed drafts, and a draft
record laid out value by value beside the policy text it quotes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ropakg.api import GraphAPI

_STATUS = """
SELECT ?notice ?controller ?name ?status ?language WHERE {
  ?notice a dpv:PrivacyNotice ; dpv:hasDataController ?controller ; ropa:reviewStatus ?status .
  ?controller dpv:hasName ?name .
  OPTIONAL { ?notice dct:language ?language }
} ORDER BY ?name
"""


FIELDS = ("purposes", "personal_data", "data_subjects", "legal_bases", "recipients", "transfers", "retention",
          "measures", "sources")  # fmt: skip


def review_status(kg: GraphAPI) -> pd.DataFrame:
    """One row per policy: its notice, controller, name, language and review status
    (``Curated`` or ``Draft``).

    >>> review_status(kg)[["name", "status"]]      # doctest: +SKIP
    """
    frame = kg.query(_STATUS, labels=False)
    frame["status"] = frame["status"].map(lambda s: str(s).rsplit("#", 1)[-1])
    return frame


def graph_values(kg: GraphAPI, notice: str, lang: str = "en") -> pd.DataFrame:
    """A policy's values in the graph with their confidence, quote and offsets, labelled."""
    from ropakg.views import evidence_spans

    frame = evidence_spans(kg, notice, lang)
    out = pd.DataFrame(
        {
            "activity": frame["subjectLabel"].fillna(frame["subject"]),
            "field": frame["predicateLabel"].fillna(frame["predicate"]),
            "value": frame["objectLabel"].fillna(frame["object"]),
            "confidence": frame["confidence"],
            "quote": frame["quote"],
            "start": frame["start"],
            "end": frame["end"],
        }
    )
    return out


def draft_values(record: dict[str, Any], text: str) -> pd.DataFrame:
    """A draft record as rows: where in the record, the value, its confidence, the quote
    and its offsets in ``text`` (found the way the build finds them)."""
    from ingest.quotes import PolicyText

    found = PolicyText(text)
    rows: list[dict[str, Any]] = []

    def add(where: str, field: str, value: Any, item: dict[str, Any]) -> None:
        quote = item.get("quote")
        match = found.find(quote, item.get("occurrence", 1)) if quote else None
        rows.append(
            {"activity": where, "field": field, "value": value, "confidence": item.get("confidence"),
             "quote": quote, "start": match.start if match else None, "end": match.end if match else None}
        )  # fmt: skip

    ctl = record["controller"]
    add("controller", "name", ctl["name"]["value"], ctl["name"])
    if isinstance(ctl.get("country"), dict):
        add("controller", "country", ctl["country"]["value"], ctl["country"])
    for item in ctl.get("contact") if isinstance(ctl.get("contact"), list) else []:
        add("controller", "contact", item["value"], item)
    for field in ("rights", "authorities"):
        items = record.get(field)
        for item in items if isinstance(items, list) else []:
            add("policy", field, item["concept"], item)
    blocks = [(a["title"]["original"]["value"], a) for a in record["activities"]]
    if record.get("applies_to_all"):
        blocks.append(("applies to all", record["applies_to_all"]))
    for where, block in blocks:
        for field in FIELDS:
            value = block.get(field)
            if value == "not stated" or value is None:
                rows.append({"activity": where, "field": field, "value": "not stated"})
                continue
            for item in value if isinstance(value, list) else []:
                shown = (
                    item.get("concept") or item.get("organisation") or item.get("country") or item.get("description")
                )
                if field == "recipients":
                    shown = f"{item['organisation']} ({item['role']})"
                add(where, field, shown, item)
    return pd.DataFrame(rows, columns=["activity", "field", "value", "confidence", "quote", "start", "end"])
