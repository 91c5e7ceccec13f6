"""The worked audit notebook runs from top to bottom on the seed graph."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ropakg.paths import Paths

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "auditor.ipynb"


def test_auditor_notebook_executes(seeds: Paths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROPA_HOME", str(seeds.root))
    monkeypatch.setenv("ROPA_BUILD_DIR", str(seeds.build_dir))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline, whatever ran before
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Google LLC" in text and "Privacy Shield" in text
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot was not drawn"
