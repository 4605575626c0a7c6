"""The errors admins paste today decode to their most specific entry first, also through `decode --json`.

Each text is a whole paste as the console, Event Viewer or Teams shows it (wrapped lines, typographic quotes,
stack traces), so a pattern that only matches a tidy one-liner fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.probes.test_decoder import SAMPLES
from wizard.probes.decoder import catalogue, decode

ROOT = Path(__file__).resolve().parents[2]

# New-CsPartnerApplication's binding error with the .NET reason after "error:", as the Front End prints it.
_BINDING = ("PS C:\\> New-CsPartnerApplication -Identity Exchange -ApplicationTrustLevel Full -MetadataUrl "
            "\u201chttps://autodiscover.contoso.com/autodiscover/metadata/json/1\u201d\n"
            "New-CsPartnerApplication : Cannot bind parameter \u2018MetadataUrl\u2019 to the target.\n"
            "Exception setting \u201cMetadataUrl\u201d: \u201cThe metadata document could not be\n"
            "downloaded from the URL in the MetadataUrl parameter or downloaded data is not\n"
            "a valid metadata document, error: {reason}\u201d\n"
            "At line:1 char:86\n"
            "+ \u2026 l -MetadataUrl \u201chttps://autodiscover.contoso.com/autodiscover/metadata/jso \u2026\n"
            "    + CategoryInfo          : WriteError: (:) [New-CsPartnerApplication], Para\n"
            "   meterBindingException\n"
            "    + FullyQualifiedErrorId : ParameterBindingFailed,Microsoft.Rtc.Management.\n"
            "   Internal.NewPartnerApplicationCmdlet\n")

# Test-OAuthConnectivity | Format-List as Exchange Server prints it (Detail wraps at the console width).
_OAUTH_403 = ("[PS] C:\\>Test-OAuthConnectivity -Service EWS "
              "-TargetUri https://outlook.office365.com/ews/exchange.asmx -Mailbox adele@contoso.com -Verbose | fl\n\n"
              "Task        : Checking EWS API Call Under Oauth\n"
              "Detail      : The configuration was last successfully loaded at 01-01-0001 00:00:00 UTC. This was "
              "1065056271 minutes ago\n"
              "              The token cache is being cleared because \"use cached token\" was set to false.\n"
              "              Exchange Outbound Oauth Log:\n"
              "              Client request ID: 9a1d6c2e-3b7f-4c55-8e0a-2f4b6d8c1e90\n"
              "{proxy}"
              "              Exchange Response Details:\n"
              "              HTTP response message:\n"
              "              Exception:\n"
              "              System.Net.WebException: The remote server returned an error: (403) Forbidden.\n"
              "                 at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)\n"
              "                 at System.Net.HttpWebRequest.GetRequestStream()\n"
              "ResultType  : Error\n"
              "Identity    : Microsoft.Exchange.Security.OAuth.ValidationResultNodeId\n"
              "IsValid     : True\n"
              "ObjectState : New\n")

PASTED = {
    "remote-name-not-resolved": _BINDING.format(
        reason="The remote name could not be resolved: \u2018autodiscover.contoso.com\u2019"),
    "proxy-authentication-required-407": _BINDING.format(
        reason="The remote server returned an error: (407) Proxy Authentication Required."),
    "unable-to-connect": _BINDING.format(reason="Unable to connect to the remote server"),
    "oauth-403-through-exchange-proxy": _OAUTH_403.format(
        proxy="              Information:Using custom InternetWebProxy http://10.0.0.8:8080/.\n"),
    "hybrid-app-oauth-403": _OAUTH_403.format(proxy=""),
    # Event Viewer's copy of the LS Storage Service event without the x-ms-diagnostics header
    "storage-32054-ews-401": ("Log Name:      Lync Server\nSource:        LS Storage Service\n"
                              "Date:          12/1/2026 9:14:02 AM\nEvent ID:      32054\nLevel:         Error\n"
                              "Computer:      fe01.contoso.com\nDescription:\n"
                              "Storage Service had an EWS Autodiscovery failure.\n"
                              "UnsupportedStoreException: code=ErrorIncorrectExchangeServerVersion, "
                              "reason=GetUserSettings failed, smtpAddress=adele@contoso.com, "
                              "Autodiscover Uri=https://autodiscover.contoso.com/autodiscover/autodiscover.svc, "
                              "Autodiscover WebProxy=<NULL> ---> System.Net.WebException: The remote server "
                              "returned an error: (401) Unauthorized.\n"
                              "Cause: Autodiscovery failed. Please examine the exception details for more "
                              "information.\n"),
    # login.microsoftonline.com/<domain>/.well-known/openid-configuration for a domain in no tenant
    "aadsts90002-tenant-not-found": ('{"error":"invalid_tenant","error_description":"AADSTS90002: Tenant '
                                     "'fabrikam.example' not found. Check to make sure you have the correct "
                                     "tenant ID and are signing into the correct cloud. Check with your "
                                     "subscription administrator, this may happen if there are no active "
                                     'subscriptions for the tenant.\\r\\nTrace ID: 0000aaaa-11bb-cccc-dd33-'
                                     'eeeeee333333\\r\\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd'
                                     '\\r\\nTimestamp: 2026-12-01 09:14:02Z","error_codes":[90002],'
                                     '"error_uri":"https://login.microsoftonline.com/error?code=90002"}'),
    "aadsts700016-application-not-found": (
        "Task        : Checking EWS API Call Under Oauth\n"
        "Detail      : Exchange Outbound Oauth Log:\n"
        "              Error: AADSTS700016: Application with identifier '6e1b4c2a-0d7f-4a3e-9b1c-5f2e8d7a6c40' "
        "was not found in the directory 'Contoso'. This can happen if the application has not been installed by "
        "the administrator of the tenant or consented to by any user in the tenant. You may have sent your "
        "authentication request to the wrong tenant.\n"
        "              Trace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\n"
        "ResultType  : Error\n"),
    # Test-OAuthConnectivity in Exchange Online PowerShell towards on-premises EWS (the 401 comes with it)
    "aadsts500011-resource-principal-not-found": (
        "PS C:\\> Test-OAuthConnectivity -Service EWS -TargetUri https://mail.contoso.com/ews/exchange.asmx "
        "-Mailbox cloudadele@contoso.com -Verbose | Format-List\n"
        "Task        : Checking EWS API Call Under Oauth\n"
        "Detail      : The remote server returned an error: (401) Unauthorized.\n"
        "              AADSTS500011: The resource principal named https://mail.contoso.com was not found in the\n"
        "              tenant named Contoso. This can happen if the application has not been installed by the\n"
        "              administrator of the tenant or consented to by any user in the tenant.\n"
        "ResultType  : Error\n"),
    "aadsts50020-50034-account-not-in-tenant": (
        "Connect-MgGraph : AADSTS50034: The user account {EUII Hidden} does not exist in the "
        "0c6a3f1e-8d2b-4e7a-9f50-1b3c5d7e9f21 directory. To sign into this application, the account must be "
        "added to the directory.\nAt line:1 char:1\n+ Connect-MgGraph -TenantId contoso.com -Scopes "
        "Application.Read.All\n"),
}


def test_every_catalogue_entry_has_a_pasted_sample_here_or_in_the_decoder_tests():
    assert {entry.id for entry in catalogue()} == set(SAMPLES) | set(PASTED)


@pytest.mark.parametrize("entry_id", sorted(PASTED))
def test_a_pasted_error_decodes_to_its_entry_first(entry_id):
    found = decode(PASTED[entry_id])
    assert found and found[0].id == entry_id, [d.id for d in found]
    assert found[0].cause and found[0].fix and found[0].source and found[0].excerpt


@pytest.mark.parametrize(("reason", "first"), [
    ("The remote name could not be resolved: 'autodiscover.contoso.com'", "remote-name-not-resolved"),
    ("The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.",
     "ssl-tls-trust"),
    ("The remote server returned an error: (404) Not Found.", "metadata-404"),
    ("The remote server returned an error: (503) Server Unavailable.", "metadata-not-downloaded"),
])
def test_a_metadataurl_binding_error_names_its_reason_before_the_generic_entry(reason, first):
    ids = [d.id for d in decode(_BINDING.format(reason=reason))]
    assert ids[0] == first and ids[-1] == "metadata-not-downloaded", ids


def test_a_403_through_exchanges_proxy_names_the_proxy_before_the_hybrid_application():
    ids = [d.id for d in decode(PASTED["oauth-403-through-exchange-proxy"])]
    assert ids == ["oauth-403-through-exchange-proxy", "hybrid-app-oauth-403"]


def test_the_403_with_the_year_0001_points_at_the_dedicated_hybrid_application():
    found = decode(PASTED["hybrid-app-oauth-403"])
    assert [d.id for d in found] == ["hybrid-app-oauth-403"]
    assert "dedicated Exchange hybrid application" in found[0].cause
    assert "ConfigureExchangeHybridApplication.ps1" in found[0].fix and "MSOnline" not in found[0].fix


def test_the_date_in_another_locale_still_decodes():
    text = PASTED["hybrid-app-oauth-403"].replace("01-01-0001 00:00:00", "1/01/0001 12:00:00 a.m.")
    assert decode(text)[0].id == "hybrid-app-oauth-403"


def test_a_successful_oauth_test_with_the_year_0001_is_not_a_finding():
    text = PASTED["hybrid-app-oauth-403"].split("Exception:")[0] + "ResultType  : Success\n"
    assert decode(text) == []


def test_event_32054_with_the_tenant_diagnostics_still_names_the_wildcard_domain_first():
    text = PASTED["storage-32054-ews-401"] + ('x-ms-diagnostics: 2000004;reason="The tenant for tenant guid '
                                              "'contoso.com' does not exist.\";error_category=\"invalid_tenant\"\n")
    ids = [d.id for d in decode(text)]
    assert ids[:2] == ["invalid-tenant-2000004", "storage-32054-ews-401"], ids


def test_event_32054_without_the_diagnostics_is_not_blamed_on_a_wildcard_domain():
    found = decode(PASTED["storage-32054-ews-401"])
    assert "invalid-tenant-2000004" not in [d.id for d in found]
    assert "Configure-EnterprisePartnerApplication.ps1" in found[0].fix and "-Verbose" in found[0].fix


def test_aadsts500011_comes_before_the_generic_401():
    ids = [d.id for d in decode(PASTED["aadsts500011-resource-principal-not-found"])]
    assert ids == ["aadsts500011-resource-principal-not-found", "oauth-401"]


@pytest.mark.parametrize("entry_id", [e for e in PASTED if e.startswith("aadsts")])
def test_aadsts_entries_say_what_the_code_means_here_and_cite_microsofts_code_list(entry_id):
    entry = decode(PASTED[entry_id])[0]
    assert "In this integration" in entry.cause
    assert 'Microsoft Learn, "Microsoft Entra authentication and authorization error codes"' in entry.source
    for retired in ("MSOnline", "Msol", "AzureAD"):
        assert retired not in entry.fix


def test_a_code_inside_a_longer_number_is_not_an_aadsts_code():
    assert decode("AADSTS900021: something else; AADSTS5000110 neither") == []


@pytest.mark.parametrize("text", [
    # Teams (new Teams) in the meeting details pane, with the apostrophes Teams draws
    "Sorry, we couldn\u2019t get your meeting details.\nRefresh the page or try again later.",
    # a delegate's scheduling dialog, pasted without the first words
    "You don\u2019t have permission to schedule meetings for this account. Talk to the account owner to get "
    "permission and try again.",
    "Looks like you don't have permission to schedule meetings for this account.",
])
def test_both_teams_sentences_decode_to_the_teams_chain(text):
    assert [d.id for d in decode(text)] == ["teams-calendar-on-premises"]


def test_the_cli_decodes_a_pasted_403_as_json():
    completed = subprocess.run([sys.executable, "-m", "wizard", "decode", "--json", PASTED["hybrid-app-oauth-403"]],
                               cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert [m["id"] for m in document["matches"]] == ["hybrid-app-oauth-403"]
    assert document["matches"][0]["source"].startswith('Microsoft Learn, "Deploy dedicated Exchange hybrid app"')


def test_the_cli_reads_a_multi_line_event_from_standard_input():
    completed = subprocess.run([sys.executable, "-m", "wizard", "decode", "--json", "-"],
                               input=PASTED["storage-32054-ews-401"], cwd=ROOT, capture_output=True, text=True,
                               timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["matches"][0]["id"] == "storage-32054-ews-401"
