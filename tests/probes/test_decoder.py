"""The error decoder: every known error text names its entry; unknown text says nothing matched."""

from __future__ import annotations

import pytest

from wizard.probes.decoder import NOTHING_MATCHED, InvalidCatalogueError, catalogue, decode, explain, parse_catalogue

# Texts as admins paste them (wrapped by the console, typographic quotes from a blog, trailing noise).
SAMPLES = {
    "code-50043": "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=50043,\n"
                  "+ CategoryInfo : OperationStopped",
    "code-5": "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=5,",
    "ssl-tls-trust": "Cannot acquire auth metadata document from 'https://lrs-s4bfe.domain.com/metadata/json/1'. "
                     "Error: The\nunderlying connection was closed: Could not establish trust relationship for the "
                     "SSL/TLS secure channel..",
    "metadata-not-downloaded": "New-CsPartnerApplication : Cannot bind parameter 'MetadataUrl' to the target.\n"
                               "Exception setting \u201cMetadataUrl\u201d: \u201cThe metadata document could not be\n"
                               "downloaded from the URL in the MetadataUrl parameter or downloaded data is not\n"
                               "a valid metadata document, error: The remote server returned an error: (503).\u201d",
    "metadata-404": "I cannot access https://Pool FQDN/metadata/jaon/1 on either SFB server or the Exchange server, "
                    "it returns HTTP 404 not found",
    "error-574-content-type": "Test-CsExStorageConnectivity : ExCreateItem exchange operation failed, code=574, "
                              "reason=Client found response content type of '', but expected 'text/xml'.",
    "storage-32053-empty-autodiscover-uri": "Storage Service had an EWS Autodiscovery failure. "
                                            "ExchangeAutodiscoverException: code=ErrorEwsAutodiscover, "
                                            "reason=GetUserSettings failed,, Autodiscover Uri=, Autodiscover "
                                            "WebProxy=<NULL>, WebExceptionStatus=RequestCanceled --> The request was "
                                            "aborted: The request was canceled.",
    "storage-ews-autodiscover-404": "StoreWebException: code=ErrorEwsAutodiscover, reason=GetUserSettings failed, "
                                    "smtpAddress=a@contoso.com, Autodiscover Uri=https://dc.vdomain.com/autodiscover/"
                                    "badautodiscover.svc, WebExceptionStatus=ProtocolError --> (404) Not Found",
    "oauth-401": "Test-OAuthConnectivity -Service EWS -TargetUri https://mail.contoso.com/ews/ -Mailbox a\n"
                 "ResultType : Error ... The remote server returned an error: (401) Unauthorized.",
    "oauth-not-available": 'x-ms-diagnostics: 4000000;reason="Flighting is not enabled for domain '
                           "'mail.contoso.com'.\";error_category=\"oauth_not_available\"",
    "oauth-invalid-token": 'x-ms-diagnostics: 2000001;reason="The token is invalid.";error_category="invalid_token"',
    "exchange-auth-certificate-missing": "Exception: HMACProvider.GetCertificates:protectionCertificates.Length<1",
    "hcw8064": "HCW8064 - The HCW has completed, but was not able to perform the OAuth portion of your Hybrid "
               "configuration.",
    "script-invocation-quoting": "[PS] C:\\> .\\Configure-EnterprisePartnerApplication.ps1 -AuthMetaDataUrl "
                                 "\u2018https://fe.jdskype.net/metadata/json/1\u2032 -ApplicationType Lync\u201d\n>>\n",
    # Microsoft support, "Skype for Business and Exchange integration fails if wildcards used in AcceptedDomains
    # entries": the event and the 401 headers as Test-CsExStorageConnectivity -Verbose prints them (run together)
    "invalid-tenant-2000004": "HTTP/1.1 401 Unauthorizedrequest-id: 33086db3-69f9-4cdf-8ffe-ee364539e113x-ms-diagnost"
                              "ics: 2000004;reason=\"The tenant for tenant guid 'fabrikam.com' does not exist.\";"
                              "error_category=\"invalid_tenant\"Server: Microsoft-IIS/8.5",
    "teams-missing-trusted-issuer": "Testing the Exchange API endpoint.\nThe Exchange API endpoint request was not "
                                    "successful.\nAdditional Details\nThe Bearer response header did not contain the "
                                    "expected trusted issuer 00000001-0000-0000-c000-000000000000@<tenant GUID>.",
    "teams-calendar-on-premises": "Users see \u201cSorry, we couldn\u2019t get your meeting details\u201d in the Teams "
                                  "calendar.",
    "sfb-client-exchange-wont-let-us-connect": "The Exchange server won't let us connect. We're working on fixing the "
                                               "connection. Your history, voice mail and Outlook features might be "
                                               "unavailable.",
}


def test_every_catalogue_entry_has_a_sample_here_or_a_whole_paste():
    from tests.probes.test_decoder_catalogue import PASTED

    assert {entry.id for entry in catalogue()} == set(SAMPLES) | set(PASTED)


@pytest.mark.parametrize("entry_id", sorted(SAMPLES))
def test_known_error_text_decodes_to_its_entry(entry_id):
    found = decode(SAMPLES[entry_id])
    assert entry_id in [d.id for d in found]
    match = next(d for d in found if d.id == entry_id)
    assert match.cause and match.fix and match.source and match.excerpt


def test_trust_failure_inside_new_cspartnerapplication_names_trust_first():
    text = ("New-CsPartnerApplication : Cannot bind parameter 'MetadataUrl' to the target. Exception setting "
            "\"MetadataUrl\": \"The metadata document could not be downloaded from the URL in the MetadataUrl "
            "parameter or downloaded data is not\na valid metadata document, error: The underlying connection was "
            "closed: Could\nnot establish trust relationship for the SSL/TLS secure channel.\"")
    assert [d.id for d in decode(text)] == ["ssl-tls-trust", "metadata-not-downloaded"]


def test_code_5_is_not_confused_with_code_50043():
    assert [d.id for d in decode(SAMPLES["code-50043"])] == ["code-50043"]


def test_unknown_text_says_plainly_that_nothing_matched():
    assert decode("Get-CsUser : Management object not found for identity 'x'.") == []
    assert explain("nothing to see") == NOTHING_MATCHED
    assert "No known error matched" in NOTHING_MATCHED


def test_explain_lists_cause_fix_and_source():
    text = explain(SAMPLES["code-50043"])
    assert "Cause:" in text and "Set-CsOAuthConfiguration" in text
    assert 'Source: Jeff Schertz\'s field guide "Exchange and Skype for Business Integration" (2015)' in text
    assert "No Microsoft document explains code=50043" in text


def test_sources_are_document_titles_not_internal_references():
    for entry in catalogue():
        for internal in ("seed", "protocols.md", "comment 2", "comments 5", "table 00", "section "):
            assert internal not in entry.source.lower(), (entry.id, entry.source)


def test_event_32054_with_the_wildcard_tenant_error_names_the_accepted_domains():
    text = ("Event ID: 32054 Storage Service had an EWS Autodiscovery failure. UnsupportedStoreException: "
            "code=ErrorIncorrectExchangeServerVersion ... The remote server returned an error: (401) Unauthorized. "
            "x-ms-diagnostics: 2000004;reason=\"The tenant for tenant guid 'contoso.com' does not exist.\"")
    found = decode(text)
    assert found[0].id == "invalid-tenant-2000004"
    assert "wildcard" in found[0].cause and "New-AcceptedDomain" in found[0].fix
    assert found[0].source.startswith("Microsoft support")


def test_a_delegate_error_points_to_the_teams_chain():
    found = decode("Outlook: Looks like you don't have permission to schedule meetings for this account. Talk to "
                   "the owner to get permission and try again.")
    assert [d.id for d in found] == ["teams-calendar-on-premises"]
    assert "Autodiscover v2" in found[0].cause


def test_huge_pasted_text_is_decoded_quickly():
    text = "noise line\n" * 200_000 + SAMPLES["code-5"]
    assert decode(text) == []  # beyond the read limit: not read, not slow
    assert [d.id for d in decode(SAMPLES["code-5"] + "\nnoise" * 100_000)] == ["code-5"]


@pytest.mark.parametrize("document", [
    {}, {"entries": [{"id": "x"}]},
    {"entries": [{"id": "x", "title": "t", "patterns": ["("], "cause": "c", "fix": "f", "source": "s"}]},
    {"entries": [{"id": "x", "title": "t", "patterns": ["a"], "cause": "c", "fix": "f", "source": "s"}] * 2},
])
def test_malformed_catalogues_are_rejected(document):
    with pytest.raises(InvalidCatalogueError):
        parse_catalogue(document)


def test_a_new_error_is_one_entry():
    entries = parse_catalogue({"entries": [{"id": "new", "title": "New", "patterns": ["brand new failure \\d+"],
                                            "cause": "c", "fix": "f", "source": "s"}]})
    assert [d.id for d in decode("A brand new failure 42 happened", entries)] == ["new"]


@pytest.mark.parametrize("noise", ["401 unauthorized ", "574 ", '"x ', "ErrorEwsAutodiscover ", "metadata/json/1 "])
def test_adversarial_repetition_does_not_make_decoding_slow(noise):
    import time

    started = time.monotonic()
    decode(noise * 20_000)
    assert time.monotonic() - started < 2
