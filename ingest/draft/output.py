"""Writing a draft: as a record (YAML, the curated-record format with ``status: draft``)
or as its DPV 2.3 graph (Turtle), made by the same checks and mapping as ``ropa build``,
so a draft graph has exactly the profile of ``ropa export``.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest.draft import Draft
from ropakg.paths import Paths

HEADER = """\
# DRAFT record of processing activities, made by `ropa draft` from {file} ({language}).
# Not reviewed: every value quotes the sentence it came from and has a confidence
# (0-1). Confirm, correct or delete each value, then set `status: curated`.
# Fields written `not stated` are ones the text did not speak to as far as the
# draft could tell. Format: docs/record-format.md.
"""


# libyaml's emitter when PyYAML was built with it (about ten times faster), else the pure-Python one;
# both write the same YAML for a draft.
_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc]
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(draft: Draft) -> str:
    body = yaml.dump(draft.record, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    return HEADER.format(file=draft.record["policy"]["file"], language=draft.language) + body


@lru_cache(maxsize=2)
def _context(root: str) -> tuple[Any, set[str], frozenset[str]]:
    from ingest.reference import eea_codes, registry_keys
    from ingest.vocab import Vocabulary

    paths = Paths.default(root)
    return (
        Vocabulary.default(paths.ontology, paths.dpv),
        registry_keys(paths.ontology / "organisations.ttl"),
        eea_codes(paths.dpv),
    )


def to_graph(draft: Draft, paths: Paths | None = None) -> Any:
    """The draft mapped to DPV (an rdflib Graph), after the checks a curated record gets."""
    from ingest.mapping import map_record
    from ingest.records import load_record

    paths = paths or Paths.default()
    vocab, registry, eea = _context(str(paths.root))
    with tempfile.TemporaryDirectory(prefix="ropa-draft-") as tmp:
        folder = Path(tmp)
        (folder / draft.record["policy"]["file"]).write_text(draft.text, "utf-8")
        record = folder / f"{draft.record['controller']['id']}.yaml"
        record.write_text(to_yaml(draft), "utf-8")
        checked = load_record(record, policies_dir=folder, vocab=vocab, registry=registry)
        return map_record(checked, eea)


def to_turtle(draft: Draft, paths: Paths | None = None) -> str:
    from ropakg.namespaces import PREFIXES

    graph = to_graph(draft, paths)
    for prefix, ns in PREFIXES.items():
        graph.namespace_manager.bind(prefix, ns, override=True, replace=True)
    return str(graph.serialize(format="turtle"))
