"""Loading a record and checking it against its policy and the vocabulary.

``load_record`` reads the YAML (keeping lines), validates it against the schema,
checks every concept name and reference, and finds every quote in the policy text.
The result, a :class:`CheckedRecord`, carries the exact offsets of each quote; any
problem is a :class:`RecordError` (or :class:`QuoteNotFound`) naming file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ingest.policies import PolicyFile, read_policy
from ingest.quotes import Match, PolicyText
from ingest.schema import (
    ConceptValue,
    CountryValue,
    NoneStated,
    Quoted,
    RecipientValue,
    Record,
    TransferValue,
)
from ingest.vocab import Vocabulary
from ingest.yamlines import line_of, load_yaml, load_yaml_fast
from ropakg.errors import QuoteNotFound, RecordError, RopaError
from ropakg.namespaces import expand

Path_ = tuple[Any, ...]

# The kind of concept each field holds.
FIELD_KINDS = {
    "purposes": "purpose",
    "personal_data": "personal data",
    "data_subjects": "data subject",
    "legal_bases": "legal basis",
    "measures": "measure",
    "sources": "data source",
    "rights": "right",
    "authorities": "authority",
    "technologies": "technology",
    "mechanism": "transfer mechanism",
}


@dataclass
class CheckedRecord:
    """A record that passed every check, with the evidence of each quoted value."""

    path: Path
    record: Record
    policy: PolicyFile
    evidence: dict[Path_, Match] = field(default_factory=dict)

    def match(self, loc: Path_) -> Match:
        return self.evidence[loc]


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None), dt.date)


def _scalar_type(annotation: Any) -> bool:
    """Whether a field's type holds no models and no lists (so the walk need not look in)."""
    if annotation in _SCALARS:
        return True
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    if origin in (Union, UnionType):
        return all(_scalar_type(a) for a in get_args(annotation))
    return False


def _model_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(name for name, f in cls.model_fields.items() if not _scalar_type(f.annotation))
        _FIELD_NAMES[cls] = names
    return names


def _models(obj: BaseModel) -> list[tuple[Path_, BaseModel, str | None]]:
    """Every model in a record (what the checks look at), parents before children, with
    its path (as pydantic writes paths) and the kind of concept of the nearest field that
    names one (see :data:`FIELD_KINDS`)."""
    out: list[tuple[Path_, BaseModel, str | None]] = []
    _collect_models(obj, (), None, out)
    return out


def _collect_models(obj: BaseModel, loc: Path_, kind: str | None, out: list[Any]) -> None:
    # A list, not a generator: a generator's items pass up through every level of nesting.
    out.append((loc, obj, kind))
    for name in _model_fields(type(obj)):
        value = getattr(obj, name)
        field_kind = FIELD_KINDS.get(name, kind)
        if isinstance(value, BaseModel):
            _collect_models(value, (*loc, name), field_kind, out)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _collect_models(item, (*loc, name, i), field_kind, out)


_QUOTED = (Quoted, CountryValue)


def _quote_of(obj: Any) -> tuple[str, int] | None:
    if isinstance(obj, NoneStated):
        return obj.none, obj.occurrence
    if isinstance(obj, _QUOTED) and obj.quote:
        return obj.quote, obj.occurrence
    return None


def record_problems(
    path: str | Path,
    *,
    policies_dir: Path,
    vocab: Vocabulary,
    registry: set[str] | None = None,
) -> tuple[CheckedRecord | None, list[RopaError]]:
    """Check a record; return it (when it could be read) and every problem found.

    The record is read with libyaml first; only a record with a problem is read again
    with the line-keeping loader, so that each problem names its line.
    """
    checked, problems = _problems(Path(path), policies_dir, vocab, registry, fast=True)
    if problems:
        return _problems(Path(path), policies_dir, vocab, registry, fast=False)
    return checked, problems


def _problems(
    path: Path, policies_dir: Path, vocab: Vocabulary, registry: set[str] | None, *, fast: bool
) -> tuple[CheckedRecord | None, list[RopaError]]:
    try:
        raw = load_yaml_fast(path) if fast else load_yaml(path)
    except RopaError as exc:
        return None, [exc]
    if not isinstance(raw, dict):
        return None, [RecordError("a record is a YAML mapping", file=path, line=1)]
    try:
        record = Record.model_validate(raw)
    except ValidationError as exc:
        return None, [_schema_error(path, raw, err) for err in exc.errors()]

    problems: list[RopaError] = []
    try:
        policy = read_policy(policies_dir / record.policy.file)
    except RopaError as exc:
        exc.message = f"{exc.message} ({exc.file})"
        exc.file, exc.line = str(path), line_of(raw, ("policy", "file"))
        return None, [exc]
    checked = CheckedRecord(path=path, record=record, policy=policy)
    text = PolicyText(policy.text)

    def fail(loc: Path_, message: str, cls: type[RecordError] = RecordError) -> None:
        problems.append(cls(message, file=path, line=line_of(raw, loc)))

    org_ids = [o.id for o in record.organisations]
    act_ids = [a.id for a in record.activities]
    for ids, what, key in ((org_ids, "organisation", "organisations"), (act_ids, "activity", "activities")):
        for i, ident in enumerate(ids):
            if ids.index(ident) != i:
                fail((key, i, "id"), f"duplicate {what} id {ident!r}")

    for i, org in enumerate(record.organisations):
        if org.registry and registry is not None and org.registry not in registry:
            fail(
                ("organisations", i, "registry"),
                f"unknown registry entry {org.registry!r} (see ontology/organisations.ttl)",
            )

    for loc, obj, kind in _models(record):
        if isinstance(obj, ConceptValue) or (loc and loc[-2:-1] == ("technologies",)):
            concept = getattr(obj, "concept", None)
            if kind and concept:
                try:
                    vocab.check(concept, kind)
                except ValueError as exc:
                    fail((*loc, "concept"), str(exc))
        if isinstance(obj, RecipientValue) and obj.organisation not in org_ids:
            fail((*loc, "organisation"), f"recipient {obj.organisation!r} is not under organisations")
        if isinstance(obj, TransferValue):
            if obj.importer and obj.importer not in org_ids:
                fail((*loc, "importer"), f"importer {obj.importer!r} is not under organisations")
            _check_country(vocab, obj.country, lambda m, loc=loc: fail((*loc, "country"), m))
        if isinstance(obj, CountryValue):
            _check_country(vocab, obj.value, lambda m, loc=loc: fail((*loc, "value"), m))
        quoted = _quote_of(obj)
        if quoted:
            quote, occurrence = quoted
            match = text.find(quote, occurrence)
            if match is None:
                found = len(text.find_all(quote))
                why = (
                    f"quote occurs {found} time(s), not {occurrence}"
                    if found
                    else f"quote not found in {record.policy.file}"
                )
                field_name = "none" if isinstance(obj, NoneStated) else "quote"
                fail((*loc, field_name), f"{why}: {_short(quote)!r}", QuoteNotFound)
            else:
                checked.evidence[loc] = match
    return checked, problems


def load_record(
    path: str | Path, *, policies_dir: Path, vocab: Vocabulary, registry: set[str] | None = None
) -> CheckedRecord:
    """Load and check a record; raise its first problem."""
    checked, problems = record_problems(path, policies_dir=policies_dir, vocab=vocab, registry=registry)
    if problems:
        raise problems[0]
    assert checked is not None
    return checked


def _check_country(vocab: Vocabulary, code: str, fail: Any) -> None:
    if not vocab.is_kind(expand(f"loc:{code}"), "country"):
        fail(f"{code} is not an ISO 3166 country code DPV knows")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_loc(raw: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The part of a pydantic error path that exists in the YAML (union tags dropped)."""
    out: list[Any] = []
    node = raw
    for i, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            out.append(part)
        elif i == len(loc) - 1 and isinstance(part, str) and re.fullmatch(r"[a-z_]+", part):
            out.append(part)  # a missing or unknown field: name it
    return tuple(out)


def _schema_error(path: Path, raw: Any, err: Any) -> RecordError:
    loc = _yaml_loc(raw, tuple(err["loc"]))
    where = ".".join(str(p) for p in loc) or "record"
    kind = err["type"]
    if kind == "extra_forbidden":
        message = f"unknown field {where!r}"
    elif kind == "missing":
        message = f"missing field {where!r}"
    else:
        message = f"{where}: {err['msg']}"
    return RecordError(message, file=path, line=line_of(raw, loc))
