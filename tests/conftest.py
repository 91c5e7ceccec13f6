"""Shared fixtures: small projects in temporary folders, and one build of the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ropakg.paths import Paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


def make_project(tmp: Path, records: Path, policies: Path) -> Paths:
    """A project folder using the real ontology and queries, with the given data."""
    (tmp / "data").mkdir(parents=True, exist_ok=True)
    shutil.copytree(records, tmp / "data" / "records")
    shutil.copytree(policies, tmp / "data" / "policies")
    (tmp / "ontology").symlink_to(ROOT / "ontology")
    (tmp / "queries").symlink_to(ROOT / "queries")
    return Paths.default(tmp)


@pytest.fixture
def acme(tmp_path: Path) -> Paths:
    """A one-policy project (the Acme fixture) to break in tests."""
    return make_project(tmp_path / "acme", FIXTURES / "records", FIXTURES / "policies")


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The real project, built once into a temporary build folder."""
    from ingest.build import build

    paths = Paths.default(ROOT, tmp_path_factory.mktemp("seed-build"))
    build(paths)
    return paths


@pytest.fixture(scope="session")
def kg(seeds: Paths):  # type: ignore[no-untyped-def]
    from ropakg.store import load

    return load(seeds, build=False)
