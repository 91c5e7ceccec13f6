"""Bad records and policies: one clear error naming file, line and cause."""

from __future__ import annotations

from pathlib import Path

from ingest.build import check_records
from ropakg.errors import PolicyError, QuoteNotFound, RecordError
from ropakg.paths import Paths


def _edit(paths: Paths, old: str, new: str) -> Path:
    record = paths.records / "acme.yaml"
    text = record.read_text("utf-8")
    assert old in text, old
    record.write_text(text.replace(old, new, 1), "utf-8")
    return record


def _line(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _only_problem(paths: Paths):  # type: ignore[no-untyped-def]
    problems = check_records(paths)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_fixture_record_is_clean(acme: Paths) -> None:
    assert check_records(acme) == []


def test_malformed_yaml_names_the_line(acme: Paths) -> None:
    record = _edit(acme, "  language: nb\n", "  language: [nb\n")
    problem = _only_problem(acme)
    assert isinstance(problem, RecordError)
    assert problem.file == str(record)
    assert problem.line is not None and problem.line >= _line(record, "language: [nb")
    assert "malformed YAML" in problem.message


def test_unknown_field_names_field_and_line(acme: Paths) -> None:
    record = _edit(acme, "    sources: not stated\n", "    sources: not stated\n    colour: red\n")
    problem = _only_problem(acme)
    assert "unknown field" in problem.message and "colour" in problem.message
    assert problem.line == _line(record, "colour: red")


def test_wrong_dpv_concept_name_suggests_the_right_one(acme: Paths) -> None:
    record = _edit(acme, "dpv:DirectMarketing", "dpv:DirectMarketting")
    problem = _only_problem(acme)
    assert problem.line == _line(record, "dpv:DirectMarketting")
    assert "not defined" in problem.message and "dpv:DirectMarketing" in problem.message


def test_concept_of_the_wrong_kind_is_refused(acme: Paths) -> None:
    record = _edit(acme, "concept: dpv:CustomerCare", "concept: dpv:Encryption")
    problem = _only_problem(acme)
    assert problem.line == _line(record, 'dpv:Encryption, quote: "Henvendelser')
    assert "is not a purpose concept" in problem.message


def test_missing_policy_file(acme: Paths) -> None:
    record = _edit(acme, "file: acme_nb.txt", "file: missing_nb.txt")
    problem = _only_problem(acme)
    assert isinstance(problem, PolicyError)
    assert problem.file == str(record) and problem.line == _line(record, "missing_nb.txt")
    assert "not found" in problem.message


def test_quote_not_in_text(acme: Paths) -> None:
    record = _edit(acme, 'quote: "rett til innsyn"', 'quote: "rett til dataportabilitet"')
    problem = _only_problem(acme)
    assert isinstance(problem, QuoteNotFound)
    assert problem.line == _line(record, "rett til dataportabilitet")
    assert "rett til dataportabilitet" in problem.message and "acme_nb.txt" in problem.message


def test_non_utf8_policy(acme: Paths) -> None:
    policy = acme.policies / "acme_nb.txt"
    policy.write_bytes(policy.read_text("utf-8").encode("cp1252", errors="replace"))
    problem = _only_problem(acme)
    assert isinstance(problem, PolicyError)
    assert "not UTF-8" in problem.message and "acme_nb.txt" in problem.message


def test_binary_policy(acme: Paths) -> None:
    (acme.policies / "acme_nb.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary" in _only_problem(acme).message


def test_binary_record_names_the_line_of_its_first_nul_byte(acme: Paths) -> None:
    record = acme.records / "acme.yaml"
    text = record.read_bytes()
    record.write_bytes(text.replace(b"  language: nb\n", b"  language: n\x00b\n", 1))
    problem = _only_problem(acme)
    assert isinstance(problem, RecordError) and problem.file == str(record)
    assert problem.line == _line(acme.records / "acme.yaml", "language: n")
    assert "binary" in problem.message and "\n" not in str(problem)


def test_a_control_character_in_a_record_names_its_line(acme: Paths) -> None:
    record = _edit(acme, "  language: nb\n", "  language: n\x01b\n")
    problem = _only_problem(acme)
    assert problem.line == _line(record, "language: n")
    assert "U+0001 is not allowed" in problem.message and "\n" not in str(problem)


def test_a_huge_record_is_refused_unread(acme: Paths) -> None:
    from ingest import yamlines

    record = acme.records / "acme.yaml"
    with record.open("a", encoding="utf-8") as f:
        f.write("# " + "x" * yamlines.MAX_RECORD_BYTES + "\n")
    problem = _only_problem(acme)
    assert isinstance(problem, RecordError) and problem.file == str(record)
    assert "too large" in problem.message and f"{yamlines.MAX_RECORD_BYTES:,}" in problem.message


def test_country_code_no_is_norway_not_false(acme: Paths) -> None:
    # YAML 1.1 reads a bare NO as False; records must keep it a country code.
    assert "value: NO" in (acme.records / "acme.yaml").read_text("utf-8")
    assert check_records(acme) == []


def test_unknown_organisation_reference(acme: Paths) -> None:
    record = _edit(acme, "organisation: newsletter-provider", "organisation: mailer")
    problem = _only_problem(acme)
    assert "'mailer' is not under organisations" in problem.message
    assert problem.line == _line(record, "organisation: mailer")


def test_field_in_the_wrong_form(acme: Paths) -> None:
    record = _edit(acme, "    transfers: not stated\n", "    transfers: unknown\n")
    problem = _only_problem(acme)
    assert "'not stated'" in problem.message and problem.line == _line(record, "transfers: unknown")


def test_every_problem_is_reported(acme: Paths) -> None:
    _edit(acme, "dpv:DirectMarketing", "dpv:Nope")
    _edit(acme, 'quote: "rett til innsyn"', 'quote: "not there"')
    assert len(check_records(acme)) == 2
