"""The overview page as data: what is in the graph, how complete each record is, findings.

Everything is counted by the engine (aggregates in SPARQL) and tables come a page at a
time, so the overview of a sector (100k controllers) never brings the graph into Python:
:func:`overview` returns what the page shows, and is what the benchmark times as the
page's data (the Streamlit render on top of it is timed by the benchmark with AppTest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ropakg import summary
from ropakg.api import PAGE_SIZE, GraphAPI
from ropakg.queries import SavedQuery

# The Art. 30(1) fields of an activity that completeness is scored on.
SCORED_FIELDS = {
    "PurposeField": "dpv:hasPurpose",
    "DataSubjectField": "dpv:hasDataSubject",
    "PersonalDataField": "dpv:hasPersonalData",
    "RecipientField": "dpv:hasRecipient",
    "RetentionField": "dpv:hasStorageCondition",
    "MeasureField": "dpv:hasTechnicalOrganisationalMeasure",
}
_FIELDS_VALUES = "\n".join(f"    (ropa:{field} {prop})" for field, prop in SCORED_FIELDS.items())
RISK_QUERIES = {
    "transfers-without-mechanism": "Data go outside the EEA with no transfer mechanism stated",
    "ended-transfer-mechanisms": "A transfer relies on a mechanism that has ended",
    "analytics-and-pixels-to-us": "Analytics or advertising tool sends data to the USA",
}

_ACTIVITIES = """
SELECT (COUNT(DISTINCT ?c) AS ?controllers) (COUNT(DISTINCT ?a) AS ?activities) WHERE {
  ?c a dpv:DataController ; dpv:hasRecordOfActivity ?ropa . ?ropa dpv:hasProcess ?a .
}
"""
_RECIPIENTS = """
SELECT (COUNT(DISTINCT ?r) AS ?recipients) (COUNT(DISTINCT ?country) AS ?countries) WHERE {
  { SELECT DISTINCT ?r WHERE {
      ?c a dpv:DataController ; dpv:hasRecordOfActivity ?ropa . ?ropa dpv:hasProcess ?a . ?a dpv:hasRecipient ?r } }
  OPTIONAL { { SELECT ?r ?country WHERE { ?r dpv:hasCountry ?country } } }
}
"""
# Activity-country pairs that take data outside the EEA: through a recipient located or
# processing there, or a transfer the activity states (if the activity has a recipient).
_OUTSIDE_EEA = """
SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?a ?country WHERE {
  { ?a dpv:hasRecipient ?r .
    { SELECT ?r ?country WHERE {
        { ?r dpv:hasCountry ?country } UNION { ?r ropa:processesDataIn ?country }
        MINUS { loc:EEA skos:narrower ?country } } } }
  UNION { ?a dpv:hasProcessing ?t . ?t dpv:hasThirdCountry ?country .
          MINUS { loc:EEA skos:narrower ?country }
          FILTER EXISTS { ?a dpv:hasRecipient ?anyone } }
} } }
"""
_ACTIVITY = (
    "?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity ?ropa .\n"
    "  ?ropa dpv:hasProcess ?activity ."
)
# Controllers with an activity that leaves a scored field unstated: no value and not
# stated to be none.
_WITH_GAPS = f"""
SELECT (COUNT(DISTINCT ?controller) AS ?n) WHERE {{
  VALUES (?field ?property) {{
{_FIELDS_VALUES}
  }}
  {_ACTIVITY}
  FILTER NOT EXISTS {{ ?activity ?property ?value }}
  FILTER NOT EXISTS {{ ?activity ropa:statedNone ?field }}
}}
"""
_WITH_GAPS_MINUS = (
    "SELECT (COUNT(DISTINCT ?controller) AS ?n) WHERE {\n  "
    + "\n  UNION ".join(
        f"{{ {_ACTIVITY} MINUS {{ ?activity {prop} ?v }} MINUS {{ ?activity ropa:statedNone ropa:{field} }} }}"
        for field, prop in SCORED_FIELDS.items()
    )
    + "\n}"
)
COUNT_QUERIES = (_ACTIVITIES, _RECIPIENTS, _OUTSIDE_EEA)
"""The queries of :func:`counts`; each returns one row of counts."""
QUERY_TEXTS = (*COUNT_QUERIES, _WITH_GAPS)
"""The whole-graph queries of :func:`counts` and :func:`findings` (what a kept summary
was counted by, :mod:`ropakg.summary`)."""
_CONTROLLER_PAGE = """
SELECT ?controller ?name WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity ?ropa .
  FILTER EXISTS { ?ropa dpv:hasProcess ?activity }
} ORDER BY ?name ?controller
"""
# Paged by key where the graph keeps its controllers in name order (ropakg.paging).
_CONTROLLERS = SavedQuery(
    "controllers-with-activities", None, _CONTROLLER_PAGE, page_by=("controller", "name", "controllers")
)
# Per controller of a page (bound by VALUES): rows (controller, name, activity) and
# activities; then per field, the rows and activities that leave it unstated.
_ROWS = f"""
SELECT ?controller ?name (COUNT(?activity) AS ?rows) (COUNT(DISTINCT ?activity) AS ?activities) WHERE {{
  {_ACTIVITY}
}} GROUP BY ?controller ?name
"""
_UNSTATED = f"""
SELECT ?controller ?name ?field (COUNT(?activity) AS ?rows) (COUNT(DISTINCT ?activity) AS ?activities) WHERE {{
  VALUES (?field ?property) {{
{_FIELDS_VALUES}
  }}
  {_ACTIVITY}
  FILTER NOT EXISTS {{ ?activity ?property ?value }}
  FILTER NOT EXISTS {{ ?activity ropa:statedNone ?field }}
}} GROUP BY ?controller ?name ?field
"""


@dataclass
class Overview:
    """What the overview page shows."""

    counts: dict[str, int]
    findings: int
    completeness: pd.DataFrame
    outside_eea: pd.DataFrame
    outside_eea_rows: int


def counts(kg: GraphAPI) -> dict[str, int]:
    """Controllers, activities, recipients, recipient countries, and activity-country
    pairs that take data outside the EEA."""
    return merge_counts(select_counts(kg, sparql) for sparql in COUNT_QUERIES)


def select_counts(kg: GraphAPI, sparql: str) -> dict[str, int]:
    """The one row of counts a query of :data:`COUNT_QUERIES` returns, by name."""
    names, rows = kg.select(sparql)
    return {n: int(t.value) for n, t in zip(names, rows[0], strict=True)}


def merge_counts(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    """The counts of :data:`COUNT_QUERIES`' rows, under the overview's names."""
    out: dict[str, int] = {}
    for part in parts:
        out.update(part)
    out["outside_eea"] = out.pop("n")
    return {name: out[name] for name in summary.COUNT_NAMES}


def controllers_with_gaps(kg: GraphAPI) -> int:
    """How many controllers have an activity that leaves a scored Art. 30(1) field unstated."""
    _, rows = kg.select(_WITH_GAPS)
    return int(rows[0][0].value)


def findings(kg: GraphAPI, today: dt.date | None = None) -> int:
    """Transfer risks (rows of the risk questions) plus controllers with completeness gaps."""
    return sum(risks(kg, name, today) for name in RISK_QUERIES) + controllers_with_gaps(kg)


def risks(kg: GraphAPI, name: str, today: dt.date | None = None) -> int:
    """Rows of a risk question; one with a ``date`` parameter is asked for ``today`` (by
    default the current date)."""
    dated = today is not None and any(p.name == "date" for p in kg.resolve(name).params)
    return kg.count(name, **({"date": today} if dated else {}))


def completeness(kg: GraphAPI, limit: int | None = PAGE_SIZE, offset: int = 0) -> pd.DataFrame:
    """Per controller (a page of them, by name): the share of the six Art. 30(1) activity
    fields its policy states.

    A field counts as stated when the activity has a value for it or the policy says there
    is none (e.g. no recipients). Columns: controller, name, activities, score (0-100),
    and one column per field with the number of activities that leave it unstated.
    """
    columns = [
        "controller",
        "name",
        "activities",
        "score",
        *(f"unstated {f.removesuffix('Field')}" for f in SCORED_FIELDS),
    ]
    _, page = kg.page(_CONTROLLERS, {}, limit=limit, offset=offset)
    if not page:
        return pd.DataFrame(columns=columns)
    values = "VALUES ?controller { " + " ".join(str(c) for c, _ in page) + " }"
    _, totals = kg.select(_ROWS.replace("WHERE {", "WHERE {\n  " + values, 1))
    _, unstated = kg.select(_UNSTATED.replace("WHERE {", "WHERE {\n  " + values, 1))
    gaps: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for controller, name, field, rows, activities in unstated:
        key = (controller.value, name.value)
        gaps.setdefault(key, {})[field.value.rsplit("#", 1)[-1]] = (int(rows.value), int(activities.value))
    records = []
    for controller, name, rows, activities in totals:
        found = gaps.get((controller.value, name.value), {})
        cells = len(SCORED_FIELDS) * int(rows.value)
        record: dict[str, object] = {"controller": controller.value, "name": name.value}
        record["activities"] = int(activities.value)
        # the share of (activity, field) cells stated, as a percentage rounded like pandas does
        record["score"] = (cells - sum(r for r, _ in found.values())) / cells
        for field in SCORED_FIELDS:
            record[f"unstated {field.removesuffix('Field')}"] = found.get(field, (0, 0))[1]
        records.append(record)
    out = pd.DataFrame(records, columns=columns)
    out["score"] = (out["score"] * 100).round(0).astype(int)
    return out.sort_values(["name", "controller"], kind="stable").reset_index(drop=True)


def overview(kg: GraphAPI, lang: str = "en", page: int = 0, today: dt.date | None = None) -> Overview:
    """Everything the overview page shows: counts, findings, a page of the completeness
    table and a page of the transfers outside the EEA (labels in ``lang``).

    The whole-graph figures come from the build's summary where it is this graph's
    (:func:`ropakg.summary.totals`: counted once per build and kept beside it; ``today``,
    by default the current date, is the date ended transfer mechanisms are judged by)."""
    figures = summary.totals(kg, today)
    outside = kg.query("processors-outside-eea", labels=lang, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    return Overview(
        counts=figures.counts,
        findings=figures.findings,
        completeness=completeness(kg, PAGE_SIZE, page * PAGE_SIZE),
        outside_eea=outside,
        outside_eea_rows=figures.outside_eea_rows,
    )
