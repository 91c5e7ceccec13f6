"""Drafting records from policy texts: what is found, what is not, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph

from ingest.draft import decode, draft_file, draft_text
from ingest.draft.output import to_graph
from ingest.quotes import PolicyText
from ingest.schema import Record
from ropakg.cli import main
from ropakg.errors import PolicyError
from ropakg.paths import Paths
from tests.conftest import FIXTURES, ROOT

DRAFT = FIXTURES / "draft"
SEEDS = sorted((ROOT / "data" / "policies").glob("*.txt"))
DEVSET = sorted((ROOT / "data" / "devset" / "policies").glob("*.txt"))
DPV = "https://w3id.org/dpv#"


def ropa(*args: str, home: Path = ROOT):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--home", str(home), *args])


def _values(record: dict, field: str) -> set[str]:  # type: ignore[type-arg]
    out = set()
    for block in [*record["activities"], record.get("applies_to_all") or {}]:
        value = block.get(field)
        if isinstance(value, list):
            out |= {v.get("concept") or v.get("organisation") or v.get("country") for v in value}
    return out


@pytest.mark.parametrize("policy", SEEDS + DEVSET, ids=lambda p: p.stem)
def test_a_draft_is_a_valid_record_whose_quotes_are_where_it_says(policy: Path) -> None:
    d = draft_file(policy)
    Record.model_validate(d.record)  # the curated-record schema, unknown fields are errors
    assert d.record["status"] == "draft"
    text = PolicyText(d.text)
    for block in d.record["activities"]:
        for field in ("purposes", "personal_data", "data_subjects"):
            for value in block[field] if isinstance(block[field], list) else []:
                match = text.find(value["quote"], value.get("occurrence", 1))
                assert match is not None and match.exact == value["quote"]
                assert 0 < value["confidence"] <= 1


@pytest.mark.parametrize("policy", DEVSET, ids=lambda p: p.stem)
def test_drafts_of_real_policies_pass_the_checks_a_curated_record_gets(policy: Path) -> None:
    graph = to_graph(draft_file(policy))  # schema, concept kinds, quotes found, mapping
    assert len(graph) > 50


def test_the_seed_drafts_map_to_dpv_with_offsets_on_every_value() -> None:
    g = to_graph(draft_file(SEEDS[0]))
    q = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX dpv: <https://w3id.org/dpv#>
    SELECT (COUNT(?sel) AS ?n) WHERE { ?a oa:hasTarget/oa:hasSelector ?sel . ?sel oa:start ?s ; oa:end ?e }"""
    assert int(next(iter(g.query(q)))[0]) > 10
    processes = set(g.subjects(predicate=None, object=None))
    assert processes


def test_negations_and_conditions_are_not_drafted_as_happening() -> None:
    d = draft_file(DRAFT / "negations_nb.txt")
    record = d.record
    orgs = {o["id"] for o in record["organisations"]}
    assert "mailchimp" in orgs  # "Vi bruker Mailchimp som databehandler"
    assert "google-analytics" not in orgs  # "Vi deler ikke personopplysninger med Google Analytics."
    assert _values(record, "transfers") == set()  # "Dersom vi overfører ... til USA" / "vil ikke bli overført"
    assert {"eu-gdpr:A6-1-a"} == _values(record, "legal_bases")
    assert {"pd:EmailAddress", "pd:Name"} <= _values(record, "personal_data")
    assert {r["concept"] for r in record["rights"]} == {"eu-gdpr:A15", "eu-gdpr:A16", "eu-gdpr:A77"}
    assert record["controller"]["name"]["value"] == "Fjordlys Regnskap AS"
    blocks = [*record["activities"], record.get("applies_to_all") or {}]
    retention = [r for a in blocks for r in (a.get("retention") if isinstance(a.get("retention"), list) else [])]
    assert any(r.get("duration") == "P12M" for r in retention)
    recipients = [
        r for a in record["activities"] for r in (a["recipients"] if isinstance(a["recipients"], list) else [])
    ]
    assert [r["role"] for r in recipients if r["organisation"] == "mailchimp"] == ["processor"]


def test_html_pages_are_read_as_their_visible_text() -> None:
    d = draft_file(DRAFT / "page_en.html", lang="en")
    assert d.source is not None and d.source.format == "html"
    assert "tracking" not in d.text and "credit card" not in d.text and "Home" not in d.text
    assert "Privacy Policy of Harbour Tickets Ltd" in d.text


def test_windows_1252_text_is_decoded() -> None:
    d = draft_file(DRAFT / "cp1252_nb.txt")
    assert d.source is not None and d.source.encoding == "cp1252"
    assert "«kundeservice»" in d.text and d.language == "nb"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_bytes(b""), "policy is empty"),
        (lambda p: p.write_bytes(b"   \n\n"), "policy is empty"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary"),
        (lambda p: p.write_bytes(bytes(range(1, 32)) * 200), "binary"),
        (lambda p: p.write_bytes(b"Personvern. " * 1_000_000), "too large"),
        (lambda p: p.write_text((DRAFT / "german.txt").read_text("utf-8"), "utf-8"), "policy is in German"),
    ],
    ids=["empty", "blank", "png", "control-characters", "11-MB", "german"],
)
def test_bad_input_gives_one_line_and_exit_code_5(tmp_path: Path, make, words: str) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "policy.txt"
    make(policy)
    result = ropa("draft", str(policy))
    assert result.exit_code == 5, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ropa: error: ") and words in lines[0]
    assert str(policy) in lines[0]
    assert "Traceback" not in result.output


_FOREIGN = {
    "de": "German", "es": "Spanish", "et": "Estonian", "fi": "Finnish",
    "fr": "French", "is": "Icelandic", "nl": "Dutch", "pl": "Polish",
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(_FOREIGN))
def test_a_policy_in_another_language_is_refused_by_name(code: str) -> None:
    """The detector that knows only our languages picks one of them for any text; the
    function-word check must send these to the detector that names their language."""
    with pytest.raises(PolicyError, match=f"policy is in {_FOREIGN[code]};"):
        draft_file(DRAFT / "foreign" / f"{code}.txt")


def test_every_carried_policy_passes_the_function_word_check() -> None:
    from ingest.draft.language import _FUNCTION_WORDS, _made_of, _narrow, sample

    narrow, codes = _narrow()
    policies = sorted((ROOT / "data" / "policies").glob("*.txt")) + sorted(
        (ROOT / "data" / "devset" / "policies").glob("*.txt")
    )
    assert len(policies) >= 10
    for p in policies:
        excerpt = sample(p.read_text("utf-8"))
        assert _made_of(excerpt, _FUNCTION_WORDS[codes[narrow.detect_language_of(excerpt)]]), p.name


def test_a_language_can_be_forced(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        draft_file(DRAFT / "german.txt")
    d = draft_file(DRAFT / "german.txt", lang="en")
    assert d.language == "en"


def test_draft_writes_yaml_or_the_dpv_graph(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = ropa("draft", str(DRAFT / "negations_nb.txt"), "-o", str(out))
    assert result.exit_code == 0, result.output
    record = yaml.safe_load(out.read_text("utf-8"))
    assert out.read_text("utf-8").startswith("# DRAFT")
    Record.model_validate(record)

    ttl = tmp_path / "draft.ttl"
    result = ropa("draft", str(DRAFT / "negations_nb.txt"), "--format", "ttl", "-o", str(ttl))
    assert result.exit_code == 0, result.output
    g = Graph().parse(ttl, format="turtle")
    rows = g.query(
        """PREFIX dpv: <https://w3id.org/dpv#> PREFIX ropa: <https://w3id.org/ropa-kg/ontology#>
        SELECT ?name ?pd ?status WHERE {
          ?c a dpv:DataController ; dpv:hasName ?name .
          ?p a dpv:PersonalDataProcess ; dpv:hasDataController ?c ;
             dpv:hasPersonalData ?pd ; ropa:reviewStatus ?status }"""
    )
    found = {(str(n), str(pd).rsplit("#", 1)[1], str(s).rsplit("#", 1)[1]) for n, pd, s in rows}
    assert ("Fjordlys Regnskap AS", "EmailAddress", "Draft") in found


def test_draft_graph_uses_no_undefined_dpv_terms(tmp_path: Path) -> None:
    import subprocess
    import sys

    checker = ROOT.parent / "shared" / "tools" / "dpv_check.py"
    if not checker.exists():
        pytest.skip("shared/tools/dpv_check.py is not beside the project")
    for policy in SEEDS[:2]:
        ttl = tmp_path / f"{policy.stem}.ttl"
        assert ropa("draft", str(policy), "--format", "ttl", "-o", str(ttl)).exit_code == 0
        done = subprocess.run([sys.executable, str(checker), str(ttl)], capture_output=True, text=True)
        assert "0 undefined DPV term" in done.stdout + done.stderr, done.stdout + done.stderr


def test_eval_scores_the_seed_drafts() -> None:
    result = ropa("eval", "--format", "json")
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    fields = {row["field"]: row for row in report["fields"]}
    assert set(fields) >= {
        "legal_bases",
        "rights",
        "data_subjects",
        "personal_data",
        "purposes",
        "measures",
        "recipients",
        "controller",
    }
    assert fields["controller"]["f1"] == 1.0  # the controller is named in every seed policy
    assert 0.5 < report["macro_f1"] <= 1.0


def test_the_extractor_holds_nothing_specific_to_the_seed_policies() -> None:
    """Names of the seed controllers and of their non-gazetteer recipients, and any run of
    eight words from the seed texts, must not appear in the extractor's code or data."""
    names: set[str] = set()
    for path in (ROOT / "data" / "records").glob("*.yaml"):
        record = yaml.safe_load(path.read_text("utf-8"))
        names.add(record["controller"]["name"]["value"])
        for org in record.get("organisations", []):
            name = org.get("name")
            if isinstance(name, dict) and org.get("registry") not in {
                "google-llc",
                "meta-platforms-ireland",
                "linkedin-ireland",
            }:
                names.add(name["value"])
    words = {" ".join(re.sub(r"\b(?:AS|AB|Group|Nordic)\b", "", n).lower().split()) for n in names}
    words = {w for w in words if len(w) > 2}
    assert {"expectit", "bitpro", "albacross", "bdo", "united profile networks"} <= words
    code = "\n".join(
        p.read_text("utf-8").lower() for p in (ROOT / "ingest" / "draft").rglob("*") if p.suffix in {".py", ".yaml"}
    )
    assert not {w for w in words if re.search(rf"\b{re.escape(w)}\b", code)}
    for policy in SEEDS:
        tokens = re.findall(r"\w+", policy.read_text("utf-8").lower())
        for i in range(0, len(tokens) - 8, 4):
            assert " ".join(tokens[i : i + 8]) not in " ".join(re.findall(r"\w+", code))


def test_ingest_adds_a_draft_flagged_unreviewed_and_keeps_the_build_on_failure(acme: Paths) -> None:
    from ingest.build import build
    from ropakg.store import load

    build(acme)
    before = acme.dataset.read_bytes()
    result = ropa("ingest", str(DRAFT / "negations_nb.txt"), "--draft", home=acme.root)
    assert result.exit_code == 0, result.output
    assert (acme.records / "fjordlys-regnskap-as.yaml").exists()
    kg = load(acme, build=False)
    rows = kg.query(
        "SELECT ?name ?status WHERE { ?c dpv:hasName ?name . ?r dpv:hasDataController ?c ; ropa:reviewStatus ?status }",
        labels=False,
    )
    status = {(r["name"], str(r["status"]).rsplit("#", 1)[1]) for _, r in rows.iterrows()}
    assert ("Fjordlys Regnskap AS", "Draft") in status and ("Acme AS", "Curated") in status

    # a draft never replaces a curated record; nothing is written, the build stays
    built = acme.dataset.read_bytes()
    assert built != before
    acme_policy = acme.policies / "acme_nb.txt"
    result = ropa("ingest", str(acme_policy), "--draft", "--id", "acme", home=acme.root)
    assert result.exit_code == 3 and "curated record" in result.output
    assert acme.dataset.read_bytes() == built


def test_decode_prefers_a_declared_charset() -> None:
    html = '<html><head><meta charset="windows-1252"></head><body><p>Behandlingsansvarlig – «oss»</p></body></html>'
    source = decode(html.encode("cp1252"))
    assert source.format == "html" and "«oss»" in source.text


def test_draft_text_without_headings_makes_one_activity() -> None:
    d = draft_text("We collect your e-mail address to send you our newsletter. We never sell your data.", lang="en")
    assert len(d.record["activities"]) == 1


KIND = {
    "purposes": "purpose", "personal_data": "personal data", "data_subjects": "data subject",
    "legal_bases": "legal basis", "rights": "right", "measures": "measure", "sources": "data source",
    "authorities": "authority", "mechanisms": "transfer mechanism",
}  # fmt: skip


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "da", "en"])
def test_every_lexicon_concept_is_defined_and_of_its_field_kind(language: str) -> None:
    from ingest.draft.lexicon import concepts_used
    from ingest.draft.retention import EVENTS
    from ingest.vocab import Vocabulary

    vocab = Vocabulary.default()
    used = concepts_used(language)
    assert len(used["purposes"]) > 20 and len(used["personal_data"]) > 20
    for field, concepts in used.items():
        for concept in concepts:
            if field == "countries":
                assert vocab.is_kind(f"https://w3id.org/dpv/loc#{concept}", "country"), concept
            elif field == "retention_events":
                assert concept in EVENTS, concept
            else:
                vocab.check(concept, KIND[field])  # raises with a suggestion when wrong
