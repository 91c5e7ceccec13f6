"""The Streamlit front end, page by page, with streamlit.testing (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ropakg.paths import Paths

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(seeds: Paths, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ROPA_HOME", str(seeds.root))
    monkeypatch.setenv("ROPA_BUILD_DIR", str(seeds.build_dir))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_counts_and_completeness(app: AppTest) -> None:
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Controllers"] == "5"
    assert metrics["Processing activities"] == "38"
    assert int(metrics["Flows outside the EEA"]) > 0
    completeness = app.dataframe[0].value
    assert list(completeness["name"]) == [
        "Alektum Group",
        "Entrack AS",
        "Expectit AS",
        "Expektra AB",
        "NTC Gave og Profilering AS",
    ]
    assert completeness["score"].between(0, 100).all()
    outside = app.dataframe[1].value
    assert "Google LLC" in set(outside["recipientName"])


def test_language_switch_relabels(app: AppTest) -> None:
    app.sidebar.radio(key="lang").set_value("nb").run()
    outside = app.dataframe[1].value
    assert "De forente stater" in set(outside["country"])


def test_data_flows_filter_by_country(app: AppTest) -> None:
    at = page(app, "data_flows")
    total = int(at.caption[1].value.split()[0])
    at.selectbox(key="flow-country").set_value("https://w3id.org/dpv/loc#US").run()
    assert not at.exception
    filtered = int(at.caption[1].value.split()[0])
    assert 0 < filtered < total
    at.selectbox(key="flow-node").set_value("https://w3id.org/ropa-kg/id/org/google-llc").run()
    assert any("Google LLC" in m.value for m in at.markdown)
    assert len(at.dataframe[0].value) >= 2  # quotes naming Google Analytics


def test_data_flows_group_when_too_many_nodes(app: AppTest) -> None:
    at = page(app, "data_flows")
    at.slider(key="flow-max").set_value(20).run()
    assert any("grouped" in i.value for i in at.info)


def test_ropa_table_and_evidence_of_a_cell(app: AppTest) -> None:
    at = page(app, "ropa")
    at.selectbox(key="ropa-controller").set_value("https://w3id.org/ropa-kg/id/entrack").run()
    table = at.dataframe[0].value
    assert len(table) == 7 and "Retention (f)" in table.columns
    at.selectbox(key="ropa-activity").set_value("https://w3id.org/ropa-kg/id/entrack/activity/visitors-cctv").run()
    at.selectbox(key="ropa-column").set_value("Legal basis").run()
    quotes = at.dataframe[1].value
    assert list(quotes["quote"]) == ["Behandlingen er basert på vår berettigede interesse"]
    labels = [b.label for b in at.get("download_button")]
    assert {"Download CSV", "Download XLSX"} <= set(labels)


def test_findings_in_plain_words(app: AppTest) -> None:
    at = page(app, "findings")
    risks = at.dataframe[0].value
    assert "A transfer relies on a mechanism that has ended" in set(risks["finding"])
    gaps = at.dataframe[-1].value
    assert "no purpose of the processing is stated (Art. 30(1)(b))" in set(gaps["message"])


def test_evidence_highlights_an_activity(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    activity = "https://w3id.org/ropa-kg/id/expectit/activity/newsletter"
    app.query_params["about"] = activity
    at = page(app, "evidence")
    assert at.selectbox(key="evidence-policy").value == "https://w3id.org/ropa-kg/id/expectit/notice"
    assert at.selectbox(key="evidence-focus").value == activity
    text = next(m.value for m in at.markdown if "policy-text" in m.value)
    assert "<mark>" in text and "lokalisert i USA" in text


def test_policy_text_is_escaped(app: AppTest) -> None:
    at = page(app, "evidence")
    text = next(m.value for m in at.markdown if "policy-text" in m.value)
    assert "<script" not in text.lower()
    # the quotation marks and angle brackets of policies arrive as entities, not markup
    assert "&quot;" in text or "&#x27;" in text or "”" in text


def test_compare_matrix(app: AppTest) -> None:
    at = page(app, "compare")
    at.radio(key="compare-dimension").set_value("processors and recipients").run()
    matrix = at.dataframe[0].value
    assert "Google LLC" in matrix.columns and matrix["Google LLC"].sum() == 2


def test_sparql_saved_question_runs(app: AppTest) -> None:
    at = page(app, "sparql")
    at.selectbox(key="sparql-saved").set_value("processors-outside-eea").run()
    at.button(key="sparql-run").click().run()
    assert not at.error
    result = at.dataframe[0].value
    assert "Google LLC" in set(result["recipientName"])
    assert at.query_params["name"] == "processors-outside-eea"


@pytest.mark.parametrize(
    ("sparql", "words"),
    [
        ("SELECT ?x\nWHERE { ?x dpv:hasName }", "2:"),
        ("DELETE WHERE { ?s ?p ?o }", "read-only"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ],
)
def test_sparql_errors_keep_the_query(app: AppTest, sparql: str, words: str) -> None:
    at = page(app, "sparql")
    at.session_state["sparql_text"] = sparql
    at.button(key="sparql-run").click().run()
    assert at.error and words in at.error[0].value
    assert at.session_state["sparql_text"] == sparql


def test_sparql_share_link_reopens_the_query(app: AppTest) -> None:
    at = page(app, "sparql")
    query = "SELECT ?n WHERE { ?c a dpv:DataController ; dpv:hasName ?n } ORDER BY ?n"
    at.session_state["sparql_text"] = query
    at.button(key="sparql-run").click().run()
    assert len(at.dataframe[0].value) == 5
    link = at.query_params["q"]
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.query_params["q"] = link
    fresh.run()
    fresh.switch_page("app_pages/sparql.py").run()
    assert fresh.session_state["sparql_text"] == query
