"""Scoring drafts against curated records: precision, recall and F1 per field.

Both sides are read at the level of the policy: the set of concepts a field holds in
any activity or in ``applies_to_all`` (how a text groups its processing differs from
reader to reader; what it states does not). Named recipients are compared by name
(case, punctuation and company-form suffix ignored; one name containing the other
counts), the controller by its name the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SCORED = ("legal_bases", "rights", "data_subjects", "personal_data", "purposes", "measures", "recipients", "controller")
EXTRA = ("authorities", "transfers", "sources")
_SUFFIX = re.compile(r"\b(as|asa|ab|a/s|aps|ivs|oy|ltd|limited|llc|inc|gmbh|publ|company|unlimited|ireland)\b")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _concepts(value: Any) -> set[str]:
    return {v["concept"] for v in value if "concept" in v} if isinstance(value, list) else set()


def policy_sets(record: dict[str, Any]) -> dict[str, set[str]]:
    """What a record states, per field, for the whole policy."""
    out: dict[str, set[str]] = {name: set() for name in (*SCORED, *EXTRA)}
    out["rights"] = _concepts(record.get("rights"))
    out["authorities"] = _concepts(record.get("authorities"))
    orgs = {o["id"]: o for o in record.get("organisations", [])}
    blocks = [*record.get("activities", []), record.get("applies_to_all") or {}]
    for block in blocks:
        for name in ("legal_bases", "data_subjects", "personal_data", "purposes", "measures", "sources"):
            out[name] |= _concepts(block.get(name))
        recipients = block.get("recipients")
        if isinstance(recipients, list):
            for r in recipients:
                org = orgs.get(r["organisation"], {})
                name = org.get("name")
                if isinstance(name, dict):
                    out["recipients"].add(name["value"])
        transfers = block.get("transfers")
        if isinstance(transfers, list):
            out["transfers"] |= {t["country"] for t in transfers}
    out["controller"] = {record["controller"]["name"]["value"]}
    return out


def normal_name(name: str) -> str:
    s = _SUFFIX.sub(" ", name.lower())
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def _names_match(a: str, b: str) -> bool:
    x, y = normal_name(a), normal_name(b)
    return bool(x and y) and (x == y or f" {x} " in f" {y} " or f" {y} " in f" {x} ")


def compare(name: str, draft: set[str], gold: set[str]) -> Score:
    if name not in ("recipients", "controller"):
        return Score(
            len(draft & gold), len(draft - gold), len(gold - draft), sorted(gold - draft), sorted(draft - gold)
        )
    unmatched = set(gold)
    score = Score()
    for d in sorted(draft):
        hit = next((g for g in sorted(unmatched) if _names_match(d, g)), None)
        if hit is None:
            if any(_names_match(d, g) for g in gold):
                continue  # a second name for a recipient already matched
            score.fp += 1
            score.wrong.append(d)
        else:
            unmatched.discard(hit)
            score.tp += 1
    score.fn = len(unmatched)
    score.missed = sorted(unmatched)
    return score


@dataclass
class Evaluation:
    per_policy: dict[str, dict[str, Score]]
    totals: dict[str, Score]

    @property
    def macro_f1(self) -> float:
        return sum(self.totals[n].f1 for n in SCORED) / len(SCORED)

    def table(self) -> list[dict[str, Any]]:
        rows = []
        for name in (*SCORED, *EXTRA):
            s = self.totals[name]
            rows.append(
                {"field": name, "tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": round(s.precision, 3),
                 "recall": round(s.recall, 3), "f1": round(s.f1, 3), "scored": name in SCORED}
            )  # fmt: skip
        return rows


def evaluate(records: list[Path], policies_dir: Path, *, lang: str = "auto") -> Evaluation:
    """Draft every record's policy and score the draft against the record."""
    from ingest.draft import draft_file

    per_policy: dict[str, dict[str, Score]] = {}
    totals = {name: Score() for name in (*SCORED, *EXTRA)}
    for path in records:
        gold = yaml.safe_load(path.read_text("utf-8"))
        draft = draft_file(policies_dir / gold["policy"]["file"], lang=lang).record
        g, d = policy_sets(gold), policy_sets(draft)
        scores = {name: compare(name, d[name], g[name]) for name in totals}
        for name, s in scores.items():
            totals[name].add(s)
        per_policy[path.stem] = scores
    return Evaluation(per_policy, totals)
