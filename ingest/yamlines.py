"""A YAML loader that remembers the line of every value, for error messages.

PyYAML's safe loader is used as it is; mappings and sequences come back as
:class:`LineDict` and :class:`LineList`, which know the (1-based) line of each of
their items, so an error found later (a pydantic error, a quote not in the text)
can name the line of the record it concerns.

Keeping lines costs: the pure-Python loader is about ten times slower than libyaml's.
:func:`load_yaml_fast` reads the same YAML into plain dicts and lists (the same values:
the same resolvers), for the common case of a record without problems; a caller that
finds a problem reads the file again with :func:`load_yaml` to say where. It reads with
``ryaml`` (serde_yaml's port of libyaml, in Rust) when the values it gives are sure to be
this loader's, and otherwise from libyaml's events.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ropakg.errors import RecordError

try:
    import ryaml as _ryaml
except ImportError:  # pragma: no cover - a dependency; libyaml's events are read instead
    _ryaml = None  # type: ignore[assignment]

MAX_RECORD_BYTES = 5 * 1024 * 1024
"""A record file larger than this is refused unread (the largest real record is some
tens of kilobytes)."""


class LineDict(dict):
    """A dict that knows the line of each key's value (``.lines``) and its own (``.line``)."""

    line: int = 0
    lines: dict[Any, int]


class LineList(list):
    """A list that knows the line of each item (``.lines``) and its own (``.line``)."""

    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            raise RecordError("a key is a list or mapping (keys are plain values)", line=key_node.start_mark.line + 1)
        if key in out:
            raise RecordError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = value_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings (the schema parses them, so a bad date names its line), and only
# true/false are booleans: YAML 1.1 would read the country code NO as False.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in (_TIMESTAMP, _BOOL)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


_CLoader: type[Any] | None = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else None
_WILDCARD: list[Any] = _Loader.yaml_implicit_resolvers.get(None) or []
_RESOLVERS = {first: [*(found or []), *_WILDCARD] for first, found in _Loader.yaml_implicit_resolvers.items()}
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_KEPT = 4096
_MERGE = "tag:yaml.org,2002:merge"


def _plain_tag(value: str) -> str:
    """The tag :class:`_Loader` resolves a plain (unquoted) scalar to; looked up once for
    the first few thousand values met (keys repeat in every record)."""
    tag = _PLAIN_TAGS.get(value)
    if tag is None:
        tag = _STR
        for candidate, regexp in _RESOLVERS.get(value[:1], _WILDCARD):
            if regexp.match(value):
                tag = str(candidate)
                break
        if len(_PLAIN_TAGS) < _PLAIN_TAGS_KEPT:
            _PLAIN_TAGS[value] = tag
    return tag


class _Unusual(Exception):
    """YAML the plain reader leaves to PyYAML's loader (anchors, tags, merge keys, ...)."""


_SCALAR = yaml.ScalarEvent
_MAPPING_START, _MAPPING_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_STREAM_START, _STREAM_END = yaml.StreamStartEvent, yaml.StreamEndEvent
_DOCUMENT_START, _DOCUMENT_END = yaml.DocumentStartEvent, yaml.DocumentEndEvent


def _scalar(loader: Any, event: Any) -> Any:
    """A scalar's value as the safe constructor gives it with :class:`_Loader`'s resolvers."""
    if event.tag is not None or event.anchor is not None:
        raise _Unusual
    if not event.implicit[0]:  # quoted or block: a string
        return event.value
    tag = _plain_tag(event.value)
    if tag == _STR:
        return event.value
    if tag == _MERGE:
        raise _Unusual
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    return loader.construct_object(node, deep=True)


def _value(loader: Any, get: Any, event: Any) -> Any:
    """The value that starts with ``event``, read from the events that follow (``get``).

    A string scalar (quoted, or plain and known to resolve to a string), most of a
    record's values and keys, is read in its parent's loop rather than in a call of its own.
    """
    kind = type(event)
    if kind is _SCALAR:
        return _scalar(loader, event)
    if event.tag is not None or event.anchor is not None:
        raise _Unusual  # an alias, an anchor or a tag
    known = _PLAIN_TAGS
    if kind is _SEQUENCE_START:
        items: list[Any] = []
        event = get()
        while type(event) is not _SEQUENCE_END:
            if (
                type(event) is _SCALAR
                and event.tag is None
                and event.anchor is None
                and (not event.implicit[0] or known.get(event.value) == _STR)
            ):
                items.append(event.value)
            else:
                items.append(_value(loader, get, event))
            event = get()
        return items
    if kind is not _MAPPING_START:
        raise _Unusual
    out: dict[Any, Any] = {}
    event = get()
    while type(event) is not _MAPPING_END:
        if (
            type(event) is _SCALAR
            and event.tag is None
            and event.anchor is None
            and (not event.implicit[0] or known.get(event.value) == _STR)
        ):
            key = event.value
        else:
            key = _value(loader, get, event)  # an unhashable key raises TypeError
        if key in out:
            raise RecordError(f"duplicate key {key!r}", line=event.start_mark.line + 1)
        event = get()
        if (
            type(event) is _SCALAR
            and event.tag is None
            and event.anchor is None
            and (not event.implicit[0] or known.get(event.value) == _STR)
        ):
            out[key] = event.value
        else:
            out[key] = _value(loader, get, event)
        event = get()
    return out


def _document(loader: Any) -> Any:
    """The value of a stream of one YAML document (None for an empty stream), from
    libyaml's events: no node objects are made."""
    get = loader.get_event
    if type(get()) is not _STREAM_START:
        raise _Unusual
    event = get()
    if type(event) is _STREAM_END:
        return None
    if type(event) is not _DOCUMENT_START:
        raise _Unusual
    value = _value(loader, get, get())
    if type(get()) is not _DOCUMENT_END or type(get()) is not _STREAM_END:
        raise _Unusual  # more than one document: load_yaml says so
    return value


_SERDE_UNSURE = ("&", "*", "!", "<<", "0o")
"""Text that ``ryaml`` may read otherwise than :class:`_Loader` (anchors, aliases, tags,
merge keys, YAML 1.2 octal numbers): a record that holds any of it anywhere, in a quote
too, is read from libyaml's events."""
_RESOLVED_FIRST = frozenset(first for first in _RESOLVERS if first)
"""The first characters of plain scalars that resolve to something other than a string.
Not the empty string: serde_yaml reads an empty plain scalar as null, as PyYAML does, so
an empty string it gives was quoted."""
_EVERY_STRING_RESOLVED = bool(_WILDCARD)


def _ryaml_loads(text: str) -> Any:
    """``ryaml.loads``, or :class:`_Unusual` for whatever it refuses (an error, or a panic
    of the Rust code, which is not an ``Exception``)."""
    try:
        return _ryaml.loads(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        raise _Unusual from None


def _plain_to_serde(value: str) -> bool:
    """Whether serde_yaml reads ``value``, written plain, as a string."""
    try:
        return type(_ryaml_loads(value)) is str
    except _Unusual:
        return True


def _serde_document(text: str) -> Any:
    """The value of one YAML document as ``ryaml`` reads it, when it is :class:`_Loader`'s.

    serde_yaml resolves plain scalars by YAML 1.2's core schema; PyYAML's loader by YAML
    1.1's, less dates and yes/no booleans. The two agree on null, true/false, and integers
    other than ``0o`` octal; they differ on floats (``1e3``) and on YAML 1.1 integers
    (``017``, ``1_000``, ``1:20``), which serde_yaml reads as strings. So the value is used
    only when it holds no float and no string that :class:`_Loader` would resolve to
    anything else if it were plain, unless serde_yaml would too (then the string was
    quoted, as ``version: "2.3"``); otherwise (or on any error) :class:`_Unusual`.
    """
    if _ryaml is None or any(unsure in text for unsure in _SERDE_UNSURE):
        raise _Unusual
    value = _ryaml_loads(text)
    todo = [value]
    pop, extend, first_resolved, plain_tag = todo.pop, todo.extend, _RESOLVED_FIRST, _plain_tag
    every = _EVERY_STRING_RESOLVED
    while todo:
        item = pop()
        kind = type(item)
        if kind is str:
            if (every or item[:1] in first_resolved) and item and plain_tag(item) != _STR and _plain_to_serde(item):
                raise _Unusual
        elif kind is dict:
            extend(item)
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind is not int and kind is not bool and item is not None:
            raise _Unusual  # a float, or anything else
    return value


def load_yaml_fast(path: str | Path) -> Any:
    """Read a YAML file into plain dicts and lists, with libyaml where PyYAML has it.

    The values are those :func:`load_yaml` gives (the same resolvers and constructors):
    read by ``ryaml`` when that is sure (:func:`_serde_document`), otherwise from libyaml's
    events. On any problem, or YAML out of the ordinary (anchors, aliases, tags, merge
    keys, keys that are not scalars), the file is read by :func:`load_yaml`, which raises
    the error with its line.
    """
    if _CLoader is None:
        return load_yaml(path)
    try:
        path = Path(path)
        if path.stat().st_size > MAX_RECORD_BYTES:
            return load_yaml(path)  # which says so, unread
        text = path.read_bytes().decode("utf-8")
        try:
            return _serde_document(text)
        except _Unusual:
            pass
        loader = _CLoader(text)
        try:
            return _document(loader)
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecordError, _Unusual, RecursionError, TypeError):
        return load_yaml(path)


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file into line-aware dicts and lists.

    Raises :class:`RecordError` with the file and line for unreadable or malformed YAML.

    >>> import tempfile, os
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    >>> _ = f.write("a:\\n  - x\\n  - y\\n"); f.close()
    >>> load_yaml(f.name).lines["a"], load_yaml(f.name)["a"].lines
    (2, [2, 3])
    >>> os.unlink(f.name)
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise RecordError(f"record file is too large ({size:,} bytes; limit {MAX_RECORD_BYTES:,})", file=path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecordError("record file not found", file=path) from None
    except OSError as exc:
        raise RecordError(f"cannot read record: {exc.strerror}", file=path) from None
    if b"\x00" in raw:
        nul_line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise RecordError("record file is binary (NUL byte), not YAML text", file=path, line=nul_line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise RecordError("record is not UTF-8 text", file=path, line=bad_line) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except RecordError as exc:
        exc.file = str(path)
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        cause = exc.problem or exc.context or "malformed YAML"
        raise RecordError(f"malformed YAML: {cause}", file=path, line=line, column=column) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        at = text[: exc.position].count("\n") + 1
        raise RecordError(f"malformed YAML: the character {char} is not allowed", file=path, line=at) from None
    except yaml.YAMLError as exc:
        raise RecordError(f"malformed YAML: {' '.join(str(exc).split())}", file=path) from None


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at path ``loc`` (as pydantic reports it), or of its nearest parent."""
    line = getattr(data, "line", None)
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line = node.lines.get(key, line)
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lines[key]
            node = node[key]
        else:
            break
    return line
