"""The seed graph answers auditor questions as the policy texts do.

Each expectation below was read off the policy texts in data/policies/; the queries
use only DPV terms, as an independent DPV client would.
"""

from __future__ import annotations

from collections import defaultdict

ID = "https://w3id.org/ropa-kg/id/"
EEA = "FILTER NOT EXISTS { loc:EEA skos:narrower ?country }"


def _set(kg, sparql: str, *cols: str) -> set:  # type: ignore[no-untyped-def]
    frame = kg.query(sparql, labels=False)
    return {tuple(row) if len(cols) > 1 else row[0] for row in frame[list(cols)].itertuples(index=False)}


def test_five_controllers_with_names_and_countries(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        """SELECT ?name ?country WHERE {
        ?c a dpv:DataController ; dpv:hasName ?name ; dpv:hasCountry ?country }""",
        "name",
        "country",
    )
    loc = "https://w3id.org/dpv/loc#"
    assert got == {
        ("Expectit AS", loc + "NO"),
        ("Expektra AB", loc + "SE"),
        ("Entrack AS", loc + "NO"),
        ("NTC Gave og Profilering AS", loc + "NO"),
        ("Alektum Group", loc + "SE"),
    }


def test_recipients_outside_the_eea(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        f"""SELECT DISTINCT ?controller ?org ?country WHERE {{
        ?p a dpv:PersonalDataProcess ; dpv:hasDataController ?controller ; dpv:hasRecipient ?org .
        ?org dpv:hasCountry ?country . {EEA} }}""",
        "controller",
        "org",
        "country",
    )
    us = "https://w3id.org/dpv/loc#US"
    assert got == {
        (ID + "expectit", ID + "org/google-llc", us),
        (ID + "expectit", ID + "expectit/org/newsletter-provider", us),
        (ID + "ntc-gave-og-profilering", ID + "org/google-llc", us),
    }


def test_only_the_expectit_newsletter_relies_on_the_privacy_shield(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        """SELECT ?p ?country ?end WHERE {
        ?p dpv:hasProcessing ?t . ?t a dpv:CrossBorderTransfer ; dpv:hasThirdCountry ?country ;
           dpv:hasLegalBasis ?m .
        ?m skos:prefLabel ?label ; dct:temporal/time:hasEnd/time:inXSDDate ?end .
        FILTER(CONTAINS(STR(?label), "Privacy Shield")) }""",
        "p",
        "country",
        "end",
    )
    import datetime as dt

    assert got == {(ID + "expectit/activity/newsletter", "https://w3id.org/dpv/loc#US", dt.date(2020, 7, 16))}


def test_consent_and_legitimate_interest(kg) -> None:  # type: ignore[no-untyped-def]
    by_basis: dict[str, set[str]] = defaultdict(set)
    frame = kg.query(
        labels=False,
        name_or_sparql="""SELECT ?p ?basis WHERE {
        ?p a dpv:PersonalDataProcess ; dpv:hasLegalBasis ?lb .
        VALUES ?basis { dpv:Consent dpv:LegitimateInterest }
        ?lb skos:broader* ?basis }""",
    )
    for p, basis in frame.itertuples(index=False):
        by_basis[basis.rsplit("#", 1)[1]].add(p.removeprefix(ID))
    assert {
        "expectit/activity/newsletter",
        "expectit/activity/sales-marketing",
        "entrack/activity/job-applicants",
        "alektum-group/activity/newsletter",
    } <= by_basis["Consent"]
    assert {
        "entrack/activity/customer-contacts",
        "entrack/activity/visitors-cctv",
        "expektra/activity/direct-marketing",
        "alektum-group/activity/reviews",
    } <= by_basis["LegitimateInterest"]
    # Expectit states no legal basis for its analytics, pixels and trackers
    assert not any(a.startswith("expectit/activity/google-analytics") for b in by_basis.values() for a in b)


def test_only_entrack_runs_cctv(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        """SELECT DISTINCT ?c WHERE {
        ?p dpv:hasDataController ?c ; dpv:hasTechnicalOrganisationalMeasure dpv:PhysicalSurveillance }""",
        "c",
    )
    assert got == {ID + "entrack"}


def test_supervisory_authority_named_by_each_policy(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        """SELECT ?c ?a WHERE { ?n a dpv:PrivacyNotice ; dpv:hasDataController ?c ;
        dpv:hasAuthority ?a }""",
        "c",
        "a",
    )
    no, se = "https://w3id.org/dpv/legal/no#DPA-NO", "https://w3id.org/dpv/legal/se#DPA-SE"
    assert got == {
        (ID + "expectit", no),
        (ID + "entrack", no),
        (ID + "ntc-gave-og-profilering", no),
        (ID + "alektum-group", no),
        (ID + "expektra", se),
    }


def test_named_processors_and_where_they_are(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(
        kg,
        """SELECT DISTINCT ?name ?country WHERE {
        ?p dpv:hasDataProcessor ?org . ?org dpv:hasName ?name ; dpv:hasCountry ?country }""",
        "name",
        "country",
    )
    loc = "https://w3id.org/dpv/loc#"
    assert {("Bitpro AS", loc + "NO"), ("BDO AS", loc + "NO"), ("United Profile Networks AB", loc + "SE")} <= got


def test_rights_named_by_entrack(kg) -> None:  # type: ignore[no-untyped-def]
    got = _set(kg, f"""SELECT ?r WHERE {{ ?n dpv:hasDataController <{ID}entrack> ; dpv:hasRight ?r }}""", "r")
    gdpr = "https://w3id.org/dpv/legal/eu/gdpr#"
    assert got == {gdpr + a for a in ("A15", "A16", "A17", "A18", "A20", "A21", "A77")}


def test_every_violation_is_a_field_the_record_says_is_not_stated(kg) -> None:  # type: ignore[no-untyped-def]
    """The shapes accept every value the policies state; they flag only real gaps."""
    from ropakg.validate import validate

    report = validate(kg)
    fields = {
        "purpose": "PurposeField",
        "data subjects": "DataSubjectField",
        "personal data": "PersonalDataField",
    }
    not_stated = _set(kg, "SELECT ?p ?f WHERE { ?p ropa:notStated ?f }", "p", "f")
    assert report.violations, "the seed policies do leave Art. 30(1) fields unstated"
    for finding in report.violations:
        field = next(v for k, v in fields.items() if k in finding.message)
        assert (finding.focus, "https://w3id.org/ropa-kg/ontology#" + field) in not_stated, finding


def test_every_dpv_concept_used_has_english_norwegian_and_swedish_labels(kg) -> None:  # type: ignore[no-untyped-def]
    frame = kg.query(
        labels=False,
        name_or_sparql="""
      SELECT DISTINCT ?c (GROUP_CONCAT(DISTINCT LANG(?l); separator=" ") AS ?langs) WHERE {
        ?p a dpv:PersonalDataProcess .
        { ?p ?prop ?c } UNION { ?n a dpv:PrivacyNotice ; ?prop ?c }
        UNION { ?p dpv:hasProcessing/dpv:hasLegalBasis ?c }
        FILTER(isIRI(?c) && ?prop != dpv:hasDataController && ?prop != dpv:hasRecipient
               && ?prop != dpv:hasDataProcessor && ?prop != dpv:hasRecipientThirdParty
               && ?prop != dpv:hasProcessing && ?prop != dpv:hasStorageCondition
               && ?prop != dpv:isImplementedUsingTechnology && ?prop != ropa:text
               && !STRSTARTS(STR(?c), "https://w3id.org/ropa-kg/id/"))
        OPTIONAL { ?c skos:prefLabel ?l }
      } GROUP BY ?c""",
    )
    assert len(frame) > 60
    missing = [
        (c, langs)
        for c, langs in frame.itertuples(index=False)
        if not {"en", "nb", "sv"} <= set(langs.split() if isinstance(langs, str) else ())
    ]
    assert not missing, missing


def test_every_notice_is_linked_both_ways_with_its_controller(kg) -> None:  # type: ignore[no-untyped-def]
    # The notice questions (rights-named, rights-omitted, supervisory-authority, controllers)
    # reach a notice from its controller by dpv:hasNotice and check dpv:hasDataController:
    # a notice linked only one way would drop out of their answers.
    notices = _set(kg, "SELECT ?n ?c WHERE { ?n a dpv:PrivacyNotice ; dpv:hasDataController ?c }", "n", "c")
    linked = _set(kg, "SELECT ?n ?c WHERE { ?c dpv:hasNotice ?n . ?n a dpv:PrivacyNotice }", "n", "c")
    assert len(notices) == 5
    assert linked == notices
