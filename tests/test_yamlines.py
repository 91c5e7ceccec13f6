"""The fast reader (load_yaml_fast: ryaml, or libyaml's events) gives what the
line-keeping loader gives, or leaves the file to it."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import yamlines
from ingest.yamlines import load_yaml, load_yaml_fast
from ropakg.errors import RecordError

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "resolved scalars": (
        "a: 1\nb: 1.5\nc: ~\nd: null\ne:\nf: true\ng: NO\nh: yes\ni: 2020-01-01\nj: 0x1F\nk: 012\n"
        "l: 1_000\nm: 1:20\nn: .inf\no: -.NaN\np: '1'\nq: \"true\"\nr: False\n"
    ),
    "sequences and styles": "- a\n- 'b'\n- \"c\"\n- [1, 2, x]\n- {k: v, 'q': 2}\n- |\n  block\n  text\n- >\n  folded\n",
    "numbers in a flow list": "a: [a, 'b', \"c\", 12, 1.0e3, -0, +12, 0o14, 0b101, 1e3]\n",
    "multi-line scalars": "a: 'multi\n  line quoted'\nb: plain\n  multi line\n",
    "keys of other types": 'key with spaces: value: colon\n"q k": v\n1: int key\n~: null key\ntrue: bool key\n',
    "empty strings": "a: ''\nb: \"\"\nc: -\n",
    "timestamps stay strings": "a: 2001-12-14t21:59:43.10-05:00\nb: 2002-12-14\n",
    "a quoted merge key": "'<<': 1\nx: y\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "byte order mark": "\ufeffa: bom\n",
    "scalar document": "just a string\n",
    "empty document": "---\n",
    "number document": "--- 5\n",
    "empty stream": "",
    "comment only": "# only a comment\n",
    # Out of the ordinary: left to the line-keeping loader.
    "alias": "a: &x 1\nb: *x\n",
    "anchored list": "a: &l\n  - 1\nb: *l\n",
    "merge key": "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "plain merge key": "<<: {a: 1}\nb: 2\n",
    "tags": "a: !!str 123\nb: !!int '7'\n",
    "non-specific tag": "a: ! 12\n",
    "binary": "x: !!binary aGVsbG8=\n",
    "sequence as key": "? [1, 2]\n: x\n",
    # Errors: both raise the line-keeping loader's error.
    "duplicate key": "a: 1\nb:\n  c: 1\n  c: 2\n",
    "two documents": "---\na: 1\n---\nb: 2\n",
    "unclosed flow": "a: [1, 2\n",
    "tab indent": "a:\n\tb: 1\n",
    "mapping in plain scalar": "a: b: c\n",
    "unknown tag": "b: !custom x\n",
    "mapping as key": "? {a: 1}\n: x\n",
}


def _plain(value: Any) -> Any:
    """A value with its types (LineDict and dict, LineList and list, as the same)."""
    if isinstance(value, dict):
        return ("map", [(_plain(k), _plain(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [_plain(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, value)


def _read(load: Any, path: Path) -> Any:
    try:
        return _plain(load(path))
    except RecordError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_fast_reader_gives_what_the_line_keeping_loader_gives(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text, "utf-8")
    assert _read(load_yaml_fast, path) == _read(load_yaml, path)


def test_the_cases_cover_values_fallbacks_and_errors(tmp_path: Path) -> None:
    outcomes = set()
    for text in CASES.values():
        path = tmp_path / "r.yaml"
        path.write_text(text, "utf-8")
        outcomes.add(_read(load_yaml, path)[0])
    assert {"map", "seq", "str", "int", "NoneType", "error"} <= outcomes


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "data" / "records").glob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml")),
    ids=lambda p: p.name,
)
def test_fast_reader_on_every_record_in_the_project(path: Path) -> None:
    assert _read(load_yaml_fast, path) == _read(load_yaml, path)


def test_an_ordinary_record_is_read_without_the_line_keeping_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(path: Any) -> Any:
        raise AssertionError(f"fell back for {path}")

    record = ROOT / "tests" / "fixtures" / "records" / "acme.yaml"
    expected = _plain(load_yaml(record))
    monkeypatch.setattr(yamlines, "load_yaml", no)
    assert _plain(load_yaml_fast(record)) == expected


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """The arguments each call of ``yamlines.<name>`` is given from now on (it still runs)."""
    calls: list[Any] = []
    real = getattr(yamlines, name)

    def spy(arg: Any) -> Any:
        calls.append(arg)
        return real(arg)

    monkeypatch.setattr(yamlines, name, spy)
    return calls


def _no_events(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(loader: Any) -> Any:
        raise AssertionError("read from libyaml's events")

    monkeypatch.setattr(yamlines, "_document", no)


@pytest.mark.parametrize(
    "path",
    [*sorted((ROOT / "data" / "records").glob("*.yaml")), ROOT / "tests" / "fixtures" / "records" / "acme.yaml"],
    ids=lambda p: p.name,
)
def test_an_ordinary_record_is_read_by_ryaml(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    expected = _plain(load_yaml(path))
    _no_events(monkeypatch)
    assert _plain(load_yaml_fast(path)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: 1.5\n",  # a float: serde_yaml also reads 1e3 as one
        "a: 017\n",  # YAML 1.1 integers, strings to serde_yaml
        "a: [x, 1_000]\n",
        "a: {b: '1:20'}\n",  # quoted, but read from the events all the same
        "a: 0o14\n",  # YAML 1.2 octal, an integer to serde_yaml only
        "a: Tom & Jerry\n",  # an anchor's character, anywhere
    ],
)
def test_what_ryaml_may_read_otherwise_is_read_from_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text, "utf-8")
    expected = _read(load_yaml, path)
    read = _spy(monkeypatch, "_document")
    assert _read(load_yaml_fast, path) == expected
    assert len(read) == 1


def test_values_ryaml_reads_as_the_loader_does_are_taken_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.yaml"
    text = "a: NO\nb: [1, -2, 0x1F, true, False, ~, null, '', x]\nc: {d: 2020-01-01, v: '2.3', w: \"12\"}\n"
    path.write_text(text, "utf-8")
    expected = _plain(load_yaml(path))
    _no_events(monkeypatch)
    assert _plain(load_yaml_fast(path)) == expected
    assert expected[1][1][1] == (
        "seq",
        [
            ("int", 1),
            ("int", -2),
            ("int", 31),
            ("bool", True),
            ("bool", False),
            ("NoneType", None),
            ("NoneType", None),
            ("str", ""),
            ("str", "x"),
        ],
    )


def test_a_panic_in_ryaml_leaves_the_record_to_the_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):  # as pyo3 raises a Rust panic: not an Exception
        pass

    class Panicking:
        @staticmethod
        def loads(text: str) -> Any:
            raise Panic(text)

    path = tmp_path / "r.yaml"
    path.write_text("a: [x, 017]\nb: {c: d}\n", "utf-8")
    expected = _read(load_yaml, path)
    monkeypatch.setattr(yamlines, "_ryaml", Panicking)
    assert _read(load_yaml_fast, path) == expected


@pytest.mark.parametrize("name", ["alias", "merge key", "tags", "sequence as key", "two documents"])
def test_unusual_yaml_is_left_to_the_line_keeping_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(CASES[name], "utf-8")
    read = _spy(monkeypatch, "load_yaml")
    with contextlib.suppress(RecordError):
        load_yaml_fast(path)
    assert read == [path]


_scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["NO", "yes", "null", "~", "1_0", "0x1f", "1:20", ".nan", "True", "2020-01-01", "<<", "-"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6) | st.integers(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(doc=_documents, style=st.sampled_from([None, "'", '"']), flow=st.sampled_from([None, True, False]))
def test_fast_reader_on_generated_documents(
    tmp_path_factory: pytest.TempPathFactory, doc: Any, style: Any, flow: Any
) -> None:
    path = tmp_path_factory.mktemp("y") / "r.yaml"
    path.write_text(yaml.safe_dump(doc, default_style=style, default_flow_style=flow, allow_unicode=True), "utf-8")
    assert _read(load_yaml_fast, path) == _read(load_yaml, path)


def test_a_list_as_a_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("a: 1\n? [1, 2]\n: x\n", "utf-8")
    with pytest.raises(RecordError) as err:
        load_yaml_fast(path)
    assert (err.value.file, err.value.line) == (str(path), 2)
    assert "a key is a list or mapping" in str(err.value)
