"""Pages of answers, counts and the overview's aggregates, checked against whole answers."""

from __future__ import annotations

import pandas as pd
import pytest

from ropakg import flows, overview, views, workloads
from ropakg.errors import QueryError
from ropakg.sparql import count_query, paginate
from tests.test_queries import NAMES

# Every (activity, scored field) of every controller, and whether it is stated, as the
# overview computed it before the aggregates moved into SPARQL.
_CELLS = """
SELECT ?controller ?name ?activity ?field ?stated WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity/dpv:hasProcess ?activity .
  VALUES (?field ?property) {
    (ropa:PurposeField dpv:hasPurpose) (ropa:DataSubjectField dpv:hasDataSubject)
    (ropa:PersonalDataField dpv:hasPersonalData) (ropa:RecipientField dpv:hasRecipient)
    (ropa:RetentionField dpv:hasStorageCondition) (ropa:MeasureField dpv:hasTechnicalOrganisationalMeasure)
  }
  BIND(EXISTS { ?activity ?property ?value } || EXISTS { ?activity ropa:statedNone ?field } AS ?stated)
}
"""


@pytest.mark.parametrize("name", NAMES)
def test_pages_make_up_the_whole_answer(kg, name: str) -> None:  # type: ignore[no-untyped-def]
    names, everything = kg.rows(name)
    pages = []
    for offset in range(0, len(everything) + 7, 7):
        page_names, page = kg.rows(name, limit=7, offset=offset)
        assert page_names == names and len(page) <= 7
        pages += page
    assert pages == everything
    assert kg.count(name) == len(everything)


def test_a_page_of_a_dataframe(kg) -> None:  # type: ignore[no-untyped-def]
    whole = kg.query("personal-data", labels="nb")
    page = kg.query("personal-data", labels="nb", limit=10, offset=5)
    assert len(page) == 10
    pd.testing.assert_frame_equal(page, whole.iloc[5:15].reset_index(drop=True))


def test_paginate_keeps_a_window_of_its_own() -> None:
    query = "SELECT ?s WHERE { ?s ?p '}' } ORDER BY ?s LIMIT 20 OFFSET 10"
    assert paginate(query, 5, 0).endswith("LIMIT 5 OFFSET 10")
    assert paginate(query, 50, 15).endswith("LIMIT 5 OFFSET 25")
    assert paginate(query, 5, 30).endswith("LIMIT 0 OFFSET 40")
    assert "ORDER BY" not in count_query(query) and "LIMIT 20 OFFSET 10" in count_query(query)
    with pytest.raises(QueryError):
        paginate(query, -1)


def test_counts_with_parameters_bind_them(kg) -> None:  # type: ignore[no-untyped-def]
    assert kg.count("ended-transfer-mechanisms", date="2020-07-15") == 0
    assert kg.count("ended-transfer-mechanisms", date="2020-07-16") == 1


def test_completeness_matches_the_cells(kg) -> None:  # type: ignore[no-untyped-def]
    cells = kg.query(_CELLS, labels=False)
    cells["stated"] = cells["stated"].astype(bool)
    table = overview.completeness(kg, limit=None)
    assert list(table["name"]) == sorted(set(cells["name"]))
    for row in table.itertuples(index=False):
        mine = cells[cells["controller"] == row.controller]
        assert row.activities == mine["activity"].nunique()
        assert row.score == round(100 * mine["stated"].mean())
        for field in overview.SCORED_FIELDS:
            gaps = mine[~mine["stated"] & (mine["field"].str.endswith("#" + field))]
            column = f"unstated {field.removesuffix('Field')}"
            cell = table.loc[table["controller"] == row.controller, column].item()
            assert cell == gaps["activity"].nunique()
    pd.testing.assert_frame_equal(overview.completeness(kg, limit=2, offset=2), table.iloc[2:4].reset_index(drop=True))


def test_counts_and_findings_match_the_answers(kg) -> None:  # type: ignore[no-untyped-def]
    numbers = overview.counts(kg)
    activities = kg.query("activities", labels=False)
    recipients = kg.query("recipients", labels=False)
    assert numbers["controllers"] == activities["controller"].nunique()
    assert numbers["activities"] == activities["activity"].nunique()
    assert numbers["recipients"] == recipients["recipient"].nunique()
    assert numbers["countries"] == recipients["country"].dropna().nunique()
    cells = kg.query(_CELLS, labels=False)
    gaps = cells[~cells["stated"].astype(bool)]["controller"].nunique()
    risks = views.transfer_risks(kg)
    assert overview.findings(kg) == len(risks) + gaps
    assert views.transfer_risk_count(kg) == len(risks)
    page = views.transfer_risks(kg, limit=4, offset=3)
    pd.testing.assert_frame_equal(page, risks.iloc[3:7].reset_index(drop=True))


def test_controller_names_page_and_search(kg) -> None:  # type: ignore[no-untyped-def]
    everyone = views.controller_names(kg)
    assert list(everyone.values()) == sorted(everyone.values()) and len(everyone) == views.controller_count(kg)
    assert list(views.controller_names(kg, limit=2, offset=1)) == list(everyone)[1:3]
    assert set(views.controller_names(kg, "EXPEK").values()) == {"Expektra AB"}
    assert views.controller_names(kg, 'x" } ; DROP ALL') == {}


def test_flows_of_a_sector_group_controllers_by_country(kg) -> None:  # type: ignore[no-untyped-def]
    picture = flows.flows(kg, max_nodes=5, with_options=False)
    assert picture.level == 3 and picture.aggregated
    groups = [n for n in picture.nodes if n["kind"] == "controller"]
    assert groups and all(n["id"].startswith("controllers-in:") for n in groups)
    assert sum(int(n["label"].rsplit("(", 1)[1].rstrip(")")) for n in groups) == 5
    assert {e["target"] for e in picture.edges} <= {n["id"] for n in picture.nodes if n["kind"] == "country"}


def test_workloads_run(kg) -> None:  # type: ignore[no-untyped-def]
    names, rows = workloads.first_page(kg, "personal-data")
    assert names == ["controllerName", "review", "activity", "personalData"] and 0 < len(rows) <= workloads.PAGE_SIZE
    assert len(workloads.full_answer(kg, "personal-data")[1]) == kg.count("personal-data")
    page = workloads.overview_page(kg)
    assert page.counts["controllers"] == 5 and len(page.completeness) == 5
    assert page.outside_eea_rows == len(page.outside_eea)
    assert len(workloads.record(kg, "entrack")) == 7
    assert not workloads.validation(kg).conforms
