"""Adding a drafted policy to the graph (``ropa ingest POLICY --draft``).

The policy text (as read: UTF-8, HTML reduced to its visible text) goes to
``data/policies/`` and the draft record to ``data/records/`` with ``status: draft``;
then the graph is rebuilt. If anything fails, both files are removed again and the
previous build stays as it was. A curated record is never overwritten by a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.draft import Draft, draft_file
from ingest.draft.output import to_yaml
from ropakg.errors import RecordError
from ropakg.paths import Paths


@dataclass(frozen=True)
class Intake:
    draft: Draft
    record: Path
    policy: Path


def _free_id(paths: Paths, wanted: str) -> str:
    """``wanted`` unless a curated record has it; an earlier draft of it is replaced."""
    target = paths.records / f"{wanted}.yaml"
    if not target.exists():
        return wanted
    head = target.read_text("utf-8", errors="replace")[:4000]
    if re.search(r"^status:\s*draft\s*$", head, re.M):
        return wanted
    raise RecordError(
        f"a curated record {target.name} exists for this controller; a draft does not replace it "
        "(use --id to draft under another id)",
        file=target,
    )


def ingest_draft(paths: Paths, policy: str | Path, *, lang: str = "auto", controller_id: str | None = None) -> Intake:
    """Draft ``policy``, store text and record under ``paths``, and return where they went.

    The caller rebuilds the graph and, on failure, calls :func:`withdraw`.
    """
    draft = draft_file(policy, lang=lang)
    wanted = controller_id or draft.record["controller"]["id"]
    cid = _free_id(paths, wanted)
    file_name = f"{cid}_{draft.language}.txt"
    draft.record["controller"]["id"] = cid
    draft.record["policy"]["file"] = file_name
    policy_path = paths.policies / file_name
    record_path = paths.records / f"{cid}.yaml"
    policy_path.parent.mkdir(parents=True, exist_ok=True)
    record_path.parent.mkdir(parents=True, exist_ok=True)
    policy_path.write_text(draft.text, "utf-8")
    record_path.write_text(to_yaml(draft), "utf-8")
    return Intake(draft, record_path, policy_path)


def withdraw(intake: Intake) -> None:
    """Remove what :func:`ingest_draft` wrote (after a failed build)."""
    intake.record.unlink(missing_ok=True)
    intake.policy.unlink(missing_ok=True)
