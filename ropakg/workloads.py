"""What the benchmark times: the work an auditor's tools ask of the graph.

Each function does one unit of work on a loaded graph and returns its result, so that a
benchmark can time it (``time.perf_counter`` around the call, median of several runs)
and check the answer. The test suite calls them on the seeds to keep them working; it
never times them.

Saved questions are timed two ways, and both figures should be reported:

- :func:`first_page` -- what the app shows and a notebook usually wants: the first
  :data:`~ropakg.api.PAGE_SIZE` (1,000) rows, built controller by controller for
  questions that declare ``page-by`` (:mod:`ropakg.paging`); otherwise the engine
  evaluates the whole question, sorts it by its ORDER BY and applies LIMIT. Only the
  page's rows are converted to Python terms.
- :func:`full_answer` -- every row, converted to Python terms (no DataFrame, no labels).
  For questions whose answer has hundreds of thousands of rows the conversion of rows to
  Python objects dominates, whatever the engine.

Neither includes loading the graph. Questions with parameters use their defaults unless
given; ``ropa-record`` needs a controller that exists in the data (its default is a seed
controller).
"""

from __future__ import annotations

from typing import Any

from ropakg.api import PAGE_SIZE, GraphAPI, Rows
from ropakg.overview import Overview, overview
from ropakg.validate import Report, validate

__all__ = ["PAGE_SIZE", "first_page", "full_answer", "overview_page", "record", "validation"]


def first_page(kg: GraphAPI, name: str, **params: Any) -> Rows:
    """The first page (1,000 rows) of a saved question, as the app asks for it."""
    return kg.rows(name, limit=PAGE_SIZE, **params)


def full_answer(kg: GraphAPI, name: str, **params: Any) -> Rows:
    """Every row of a saved question's answer, as RDF terms."""
    return kg.rows(name, **params)


def overview_page(kg: GraphAPI, lang: str = "en") -> Overview:
    """The data of the app's overview page: counts and findings (kept beside the build
    once counted, :mod:`ropakg.summary`; counted for a graph that is not an unchanged
    build), the first page of the completeness table and of the transfers outside the EEA,
    with labels. The Streamlit render on top (AppTest) is timed by the benchmark."""
    return overview(kg, lang)


def record(kg: GraphAPI, controller: str, lang: str = "en") -> Any:
    """One controller's Art. 30 record as the ROPA page shows it (labels included)."""
    return kg.ropa(controller, lang)


def validation(kg: GraphAPI) -> Report:
    """Art. 30(1) completeness: the SHACL shapes compiled to SPARQL, every finding labelled
    (what ``ropa validate`` prints)."""
    return validate(kg)
