"""Where ropa-kg finds its ontology, queries, data and build: decided here only.

Each location can be overridden by an environment variable (``ROPA_HOME`` for the
project root, ``ROPA_BUILD_DIR`` for the build output, ``ROPA_DPV_DIR`` for the DPV
Turtle files) or by passing paths to the functions that use them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """The project's folders; ``Paths.default()`` reads the environment."""

    root: Path
    build_dir: Path

    @classmethod
    def default(cls, root: str | Path | None = None, build_dir: str | Path | None = None) -> Paths:
        base = Path(root or os.environ.get("ROPA_HOME") or _PACKAGE_ROOT).resolve()
        build = Path(build_dir or os.environ.get("ROPA_BUILD_DIR") or base / "data" / "build")
        return cls(root=base, build_dir=build.resolve())

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def dpv(self) -> Path:
        return Path(os.environ.get("ROPA_DPV_DIR") or self.ontology / "dpv")

    @property
    def policies(self) -> Path:
        return self.root / "data" / "policies"

    @property
    def records(self) -> Path:
        return self.root / "data" / "records"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def dataset(self) -> Path:
        """The built dataset (TriG), written atomically by ``ropa build``."""
        return self.build_dir / "ropa.trig"

    @property
    def manifest(self) -> Path:
        return self.build_dir / "manifest.json"
