"""The Drafts page: a draft beside its policy text, flagged unreviewed."""

from __future__ import annotations

import pytest
import streamlit as st
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from ingest.build import build
from ropakg.cli import main
from ropakg.paths import Paths
from tests.conftest import FIXTURES
from tests.test_app import APP


@pytest.fixture
def drafted(acme: Paths, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    build(acme)
    result = CliRunner().invoke(
        main, ["--home", str(acme.root), "ingest", str(FIXTURES / "draft" / "negations_nb.txt"), "--draft"]
    )
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("ROPA_HOME", str(acme.root))
    monkeypatch.setenv("ROPA_BUILD_DIR", str(acme.build_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield acme
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_draft_in_the_graph_is_shown_beside_its_text_and_flagged(drafted: Paths) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/drafts.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="draft-notice").options == ["Fjordlys Regnskap AS"]  # the curated Acme is not a draft
    assert any("DRAFT, not reviewed" in w.value for w in at.warning)
    values = at.dataframe[0].value
    assert {"pd:EmailAddress", "Email Address"} & set(values["value"]) or "email address" in " ".join(
        str(v).lower() for v in values["value"]
    )
    assert values["confidence"].dropna().between(0, 1).all() and values["confidence"].notna().any()
    assert "<mark>" in at.markdown[-1].value  # the quotes are highlighted in the policy text
