"""The overview's whole-graph figures, kept beside the build: used only for that build."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from ingest.build import build
from ropakg import overview, summary
from ropakg.paths import Paths
from ropakg.store import load

DAY = dt.date(2026, 11, 22)


def _tamper(where: Path) -> None:
    """Change the kept figures but not what they were counted from."""
    data = json.loads(where.read_text("utf-8"))
    data["overview"]["figures"]["counts"]["controllers"] += 1000
    data["overview"]["figures"]["findings"] += 1000
    where.write_text(json.dumps(data), "utf-8")


def _kept(where: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(where.read_text("utf-8"))["overview"]


def test_the_first_overview_of_a_build_keeps_its_figures(acme: Paths) -> None:
    build(acme)
    kg = load(acme, build=False)
    where = acme.build_dir / summary.FILE_NAME
    assert not where.exists()
    figures = summary.totals(kg, DAY)
    assert figures == summary.count(kg)
    assert figures.counts["controllers"] == 1 and figures.counts == overview.counts(kg)
    assert figures.findings == overview.findings(kg)
    assert figures.outside_eea_rows == kg.count("processors-outside-eea")
    kept = _kept(where)
    assert kept["key"]["dataset"] == kg.source and kept["key"]["date"] == DAY.isoformat()
    assert kept["figures"]["findings"] == figures.findings
    assert not [p for p in acme.build_dir.iterdir() if p.name.endswith(".tmp")]


def test_later_graphs_of_the_same_build_read_them(acme: Paths) -> None:
    build(acme)
    first = summary.totals(load(acme, build=False), DAY)
    _tamper(acme.build_dir / summary.FILE_NAME)
    again = summary.totals(load(acme, build=False), DAY)
    # The tampered figures are what was read: the graph was not counted again.
    assert again.counts["controllers"] == first.counts["controllers"] + 1000
    assert again.findings == first.findings + 1000
    assert overview.overview(load(acme, build=False), today=DAY).findings == first.findings + 1000


def test_a_new_build_another_day_or_a_changed_graph_is_counted_again(acme: Paths) -> None:
    build(acme)
    kg = load(acme, build=False)
    first = summary.totals(kg, DAY)
    where = acme.build_dir / summary.FILE_NAME

    _tamper(where)
    assert summary.totals(kg, DAY + dt.timedelta(days=1)) == first  # another date: counted, rewritten
    assert _kept(where)["key"]["date"] == (DAY + dt.timedelta(days=1)).isoformat()

    _tamper(where)
    kg.refresh()  # the store may have been changed in place: it is no longer the build
    assert kg.source is None and summary.totals(kg, DAY) == first

    _tamper(where)
    build(acme)  # a new file renamed into place
    rebuilt = load(acme, build=False)
    assert rebuilt.source != _kept(where)["key"]["dataset"]
    assert summary.totals(rebuilt, DAY) == first


def test_a_damaged_summary_is_counted_again_and_replaced(acme: Paths) -> None:
    build(acme)
    kg = load(acme, build=False)
    where = acme.build_dir / summary.FILE_NAME
    expected = summary.count(kg)
    wanted = summary.key(kg, DAY)
    good = {"counts": expected.counts, "findings": expected.findings, "outside_eea_rows": expected.outside_eea_rows}
    for damage in (
        "{not json",
        "[]",
        json.dumps({"overview": {"key": wanted, "figures": {**good, "counts": {}}}}),
        json.dumps({"overview": {"key": wanted, "figures": {**good, "findings": "many"}}}),
        json.dumps({"overview": {"key": wanted, "figures": {k: good[k] for k in ("counts", "findings")}}}),
        json.dumps({"overview": {"key": wanted, "figures": [1, 2]}}),
    ):
        where.write_text(damage, "utf-8")
        assert summary.totals(kg, DAY) == expected
        assert _kept(where)["figures"]["findings"] == expected.findings


def test_a_summary_that_cannot_be_written_is_only_counted(acme: Paths, tmp_path: Path) -> None:
    build(acme)
    kg = load(acme, build=False)
    assert not summary.write(tmp_path / "missing" / summary.FILE_NAME, {"a": 1})
    # The build folder's summary replaced by a folder: nothing can be written there.
    os.mkdir(acme.build_dir / summary.FILE_NAME)
    assert summary.totals(kg, DAY) == summary.count(kg)


def test_the_size_is_kept_beside_the_overview_for_the_same_build(acme: Paths) -> None:
    build(acme)
    kg = load(acme, build=False)
    where = acme.build_dir / summary.FILE_NAME
    assert summary.size(kg) == (len(kg.policy_graphs()), len(kg)) == (1, len(kg))
    summary.totals(kg, DAY)
    data = json.loads(where.read_text("utf-8"))
    assert set(data) == {"size", "overview"}
    data["size"]["figures"]["quads"] = 7
    where.write_text(json.dumps(data), "utf-8")
    assert summary.size(load(acme, build=False)) == (1, 7)  # read, not counted
    build(acme)
    rebuilt = load(acme, build=False)
    assert summary.size(rebuilt) == (1, len(rebuilt))
    # Counted for another build: the overview's kept figures are dropped, not carried over.
    assert set(json.loads(where.read_text("utf-8"))) == {"size"}


def test_counted_in_threads_as_one_by_one_and_for_the_date_asked(seeds: Paths) -> None:
    kg = load(seeds, build=False)
    one = summary.count(kg, DAY, threads=1)
    assert summary.count(kg, DAY, threads=3) == one
    assert one.counts == overview.counts(kg) and one.findings == overview.findings(kg, DAY)
    # The seeds state a transfer under the EU-US Privacy Shield (ended 2020-07-16): a finding
    # on the day asked for, not before it ended, whatever the date the count runs.
    before = summary.count(kg, dt.date(2020, 7, 15), threads=2)
    ended = kg.count("ended-transfer-mechanisms", date=DAY)
    assert ended > 0 and kg.count("ended-transfer-mechanisms", date=dt.date(2020, 7, 15)) == 0
    assert one.findings - before.findings == ended
    assert before.counts == one.counts and before.outside_eea_rows == one.outside_eea_rows
