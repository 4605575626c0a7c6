"""Metadata documents: saved files in both products' casings, and a live download from the lab."""

from __future__ import annotations

import json

import pytest

from inside import certs, samples
from wizard.inside.analysis import import_collected
from wizard.inside.published import MetadataDocumentError, fetch_published, parse_metadata_document
from wizard.probes.context import ProbeContext
from wizard.probes.result import Status

NOW = samples.FIXED_NOW


def test_exchange_document_with_lower_case_keyinfo_and_keyvalue_publishes_its_thumbprints() -> None:
    first, second = certs.make_der("a", NOW), certs.make_der("b", NOW)
    document = parse_metadata_document(certs.exchange_metadata(first, second), source="1")
    assert document.service == "exchange"
    assert document.thumbprints == {certs.thumbprint(first), certs.thumbprint(second)}
    assert document.keys[0].subject == "CN=a"


def test_sfb_document_in_the_field_guides_casing_gives_realm_and_thumbprint() -> None:
    der = certs.make_der("contoso.com", NOW)
    document = parse_metadata_document(b"\xef\xbb\xbf" + certs.sfb_metadata(der), source="pool01")
    assert document.service == "sfb" and document.realm == "contoso.com"
    assert document.thumbprints == {certs.thumbprint(der)}


def test_sharepoint_document_is_refused_naming_both_expected_services() -> None:
    doc = json.loads(certs.sfb_metadata(certs.make_der("x", NOW)))
    doc["serviceName"] = "00000003-0000-0ff1-ce00-000000000000"
    doc["issuer"] = "00000003-0000-0ff1-ce00-000000000000@x"
    with pytest.raises(MetadataDocumentError, match="neither Exchange"):
        parse_metadata_document(json.dumps(doc).encode(), source="sp")


NOT_METADATA = [b"<html>404</html>", b"{}", b'{"serviceName": "00000004-0000-0ff1-ce00-000000000000"}']


@pytest.mark.parametrize("data", NOT_METADATA)
def test_something_else_saved_as_the_document_is_refused(data: bytes) -> None:
    with pytest.raises(MetadataDocumentError):
        parse_metadata_document(data, source="1")


@pytest.mark.thirdparty
def test_live_download_from_the_lab_feeds_the_published_rules(tmp_path) -> None:
    from wizard.lab import Lab

    with Lab.start(topology="hybrid") as lab:
        published, problems = fetch_published(lab.scenario, ProbeContext(lab.settings))
        assert problems == []
        assert {d.service for d in published.documents} == {"exchange", "sfb"}
        exchange_thumb = next(iter(published.of("exchange")[0].thumbprints))
        sfb_thumb = next(iter(published.of("sfb")[0].thumbprints))
        paths = samples.write(samples.healthy(), tmp_path)
        stale = import_collected(paths, lab.scenario, clock=lambda: NOW, published=published)
        by_id = {f.id: f for f in stale.findings}
        assert by_id["inside.exchange-auth-cert-published"].status is Status.FAIL
        assert by_id["inside.sfb-token-issuer-published"].status is Status.FAIL
    docs = samples.healthy()
    for cert in docs["exchange"]["certificates"]:
        if cert["Thumbprint"] == samples.EXCHANGE_AUTH:
            cert["Thumbprint"] = exchange_thumb
    docs["exchange"]["auth_config"]["CurrentCertificateThumbprint"] = exchange_thumb
    for name in ("sfb-fe01", "sfb-fe02"):
        for cert in docs[name]["oauth_token_issuer"]:
            cert["Thumbprint"] = sfb_thumb
    current = import_collected(samples.write(docs, tmp_path / "matching"), lab.scenario, clock=lambda: NOW,
                               published=published)
    by_id = {f.id: f for f in current.findings}
    assert by_id["inside.exchange-auth-cert-published"].status is Status.PASS
    assert by_id["inside.sfb-token-issuer-published"].status is Status.PASS


@pytest.mark.thirdparty
def test_a_metadata_download_that_fails_becomes_an_error_finding() -> None:
    from wizard.lab import Lab

    with Lab.start(["metadata-404"], topology="onprem") as lab:
        published, problems = fetch_published(lab.scenario, ProbeContext(lab.settings))
    assert [d.service for d in published.documents] == ["exchange"]
    assert [p.id for p in problems] == ["inside.live-metadata"]
    assert problems[0].status is Status.ERROR and "404" in problems[0].detail
