"""Writing a draft: as a record (YAML, the curated-record format with ``status: draft``)
or as its DPV 2.3 graph (Turtle), made by the same checks and mapping as ``ropa build``,
so a draft graph has exactly the profile of ``ropa export``.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

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


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Dumper(_Base):  # type: ignore[misc]
    """Strings with a line break as literal blocks (``|``); the rest as the safe dumper writes it.

    Strings, dicts and lists, all of a draft but its dates and numbers, skip the representer's
    generic dispatch, and the resolver's answer is remembered per scalar value: the same nodes
    (anchors for an object met twice included) and the same YAML, made faster.
    """

    _resolved: ClassVar[dict[tuple[Any, Any, Any], Any]] = {}  # shared by all dumps

    def represent_data(self, data: Any) -> Any:
        kind = type(data)
        if kind is str:
            self.alias_key = None
            return yaml.ScalarNode(_STR, data, style="|" if "\n" in data else None)
        if (kind is dict or kind is list) and id(data) not in self.represented_objects:
            self.alias_key = id(data)
            self.object_keeper.append(data)
            if kind is dict:
                return self.represent_mapping(_MAP, data)
            return self.represent_sequence(_SEQ, data)
        return super().represent_data(data)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        key = (kind, value, implicit)
        try:
            return self._resolved[key]
        except (KeyError, TypeError):  # TypeError: a value that cannot be a key (not a scalar's)
            tag = super().resolve(kind, value, implicit)
            if kind is yaml.ScalarNode and not self.yaml_path_resolvers and len(self._resolved) < 100_000:
                self._resolved[key] = tag
            return tag


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar(_STR, value, style=style)


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
