"""Every endpoint the lab serves, fetched with requests over real TLS that is verified by the lab CA."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
import requests
from cryptography import x509

from wizard.lab import Lab
from wizard.lab.deployment import EXCHANGE_BUILD, TENANT_ID

from . import clients

EXCHANGE_ID = "00000002-0000-0ff1-ce00-000000000000"
SFB_ID = "00000004-0000-0ff1-ce00-000000000000"


def challenges(response: requests.Response) -> list[str]:
    """Each WWW-Authenticate header separately (requests would join them with commas)."""
    return response.raw.headers.getlist("WWW-Authenticate")


def certificate_from(value: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode(value))


# ----------------------------------------------------------------------------- Exchange
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_pox_autodiscover_challenges_for_windows_auth_with_exchange_headers(lab: Lab, method: str) -> None:
    url = "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
    with clients.session(lab) as s:
        response = s.request(method, url, data=b"<Autodiscover/>" if method == "POST" else None, timeout=5)
    assert response.status_code == 401
    assert challenges(response) == ["Negotiate", "NTLM", 'Basic realm="autodiscover.contoso.com"']
    assert response.headers["X-FEServer"] == "EX01"
    assert len(response.headers["request-id"]) == 36
    assert response.headers["Server"] == "Microsoft-IIS/10.0"


def test_pox_autodiscover_offers_no_oauth_even_when_a_bearer_token_is_sent(lab: Lab) -> None:
    response = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml",
                           headers={"Authorization": "Bearer"})
    assert not any(c.startswith("Bearer") for c in challenges(response))


@pytest.mark.parametrize("path", ["/autodiscover/autodiscover.svc", "/EWS/Exchange.asmx",
                                  "/Autodiscover/Autodiscover.svc"])
def test_soap_endpoints_challenge_for_windows_auth_without_a_token(lab: Lab, path: str) -> None:
    response = clients.post(lab, f"https://autodiscover.contoso.com{path}", data=b"<soap/>")
    assert response.status_code == 401
    assert challenges(response) == ["Negotiate", "NTLM", 'Basic realm="autodiscover.contoso.com"']


@pytest.mark.parametrize("path", ["/autodiscover/autodiscover.svc", "/EWS/Exchange.asmx"])
def test_soap_endpoints_answer_an_empty_bearer_token_with_the_oauth_challenge(lab: Lab, path: str) -> None:
    response = clients.get(lab, f"https://ex01.contoso.com{path}", headers={"Authorization": "Bearer"})
    assert response.status_code == 401
    bearer = [c for c in challenges(response) if c.startswith("Bearer ")]
    # on premises only SfB Server is trusted (its partner application, in its realm)
    assert bearer == [f'Bearer client_id="{EXCHANGE_ID}", '
                      'trusted_issuers="00000004-0000-0ff1-ce00-000000000000@contoso.com", '
                      'token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"']
    assert response.headers["x-ms-diagnostics"].startswith("2000001;")


def test_exchange_metadata_is_the_documented_lower_case_shape_with_the_auth_certificate(lab: Lab) -> None:
    response = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/metadata/json/1")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    doc = response.json()
    assert doc["name"] == "Exchange"
    assert doc["version"] == "1.0"
    assert doc["id"].startswith("_")
    assert doc["realm"] == "*"
    assert doc["serviceName"] == EXCHANGE_ID
    assert doc["issuer"] == f"{EXCHANGE_ID}@*"
    assert doc["allowedAudiences"] == [f"{EXCHANGE_ID}@*"]
    assert doc["endpoints"] == [{"location": "https://ex01.contoso.com:444/autodiscover/metadata/json/1",
                                 "protocol": "OAuth2", "usage": "metadata"}]
    (key,) = doc["keys"]
    assert key["usage"] == "signing"
    assert key["keyvalue"]["type"] == "x509Certificate"
    der = base64.b64decode(key["keyvalue"]["value"])
    x5t = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode().rstrip("=")
    assert key["keyinfo"]["x5t"] == x5t
    cert = certificate_from(key["keyvalue"]["value"])
    assert cert.subject.rfc4514_string() == "CN=Microsoft Exchange Server Auth Certificate"
    assert cert.issuer == cert.subject
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 5 * 365 - 1 <= lifetime.days <= 5 * 366


def test_owa_redirects_to_the_logon_page_with_the_exchange_2019_build(lab: Lab) -> None:
    response = clients.get(lab, "https://ex01.contoso.com/owa/")
    assert response.status_code == 302
    assert response.headers["X-OWA-Version"] == EXCHANGE_BUILD
    assert response.headers["Location"].startswith("https://ex01.contoso.com/owa/auth/logon.aspx?url=")
    logon = clients.get(lab, response.headers["Location"])
    assert logon.status_code == 200
    assert logon.headers["X-OWA-Version"] == "15.2.2562.37"


def test_autodiscover_v2_returns_the_ews_url_and_rejects_unknown_protocols(lab: Lab) -> None:
    ews = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/autodiscover.json"
                           "?Email=adele@contoso.com&Protocol=EWS")
    assert ews.json() == {"Protocol": "EWS", "Url": "https://webmail.contoso.com/EWS/Exchange.asmx"}  # ExternalUrl
    bad = clients.get(lab, "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/"
                           "adele@contoso.com?Protocol=Foo")
    assert bad.status_code == 400
    assert bad.json()["ErrorCode"] == "InvalidProtocol"


def test_unknown_exchange_path_is_an_iis_404(lab: Lab) -> None:
    assert clients.get(lab, "https://ex01.contoso.com/nothing/here").status_code == 404


# ----------------------------------------------------------------------------- SfB Server
def test_pool_metadata_is_the_field_guide_document_with_the_oauth_certificate(lab: Lab) -> None:
    response = clients.get(lab, "https://pool01.contoso.com/metadata/json/1")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    doc = response.json()
    assert list(doc) == ["issuer", "keys", "realm", "serviceName"]
    assert doc["issuer"] == f"{SFB_ID}@contoso.com"
    assert doc["realm"] == "contoso.com"
    assert doc["serviceName"] == SFB_ID
    (key,) = doc["keys"]
    assert key["usage"] == "signing"
    assert key["keyValue"]["type"] == "x509Certificate"
    with open(lab.scenario.oauth_certificate, "rb") as handle:
        assert base64.b64decode(key["keyValue"]["value"]) == handle.read()
    cert = certificate_from(key["keyValue"]["value"])
    assert cert.public_key().key_size == 2048
    assert "contoso.com" in [a.value for a in cert.subject]


@pytest.mark.parametrize("address", ["127.77.0.21", "127.77.0.22"])
def test_each_front_end_serves_the_pool_name_and_says_who_it_is(lab: Lab, address: str) -> None:
    with clients.session(lab) as s:
        s.adapters["https://"].build_connection_pool_key_attributes = _pinned(s.adapters["https://"], address)
        response = s.get("https://pool01.contoso.com/metadata/json/1", timeout=5)
    assert response.status_code == 200
    assert response.headers["X-MS-Server-Fqdn"] == {"127.77.0.21": "fe01.contoso.com",
                                                    "127.77.0.22": "fe02.contoso.com"}[address]


def _pinned(adapter: clients.LabAdapter, address: str):
    original = adapter.build_connection_pool_key_attributes

    def build(request, verify, cert=None):
        host, pool = original(request, verify, cert)
        host["host"] = address
        return host, pool

    return build


def test_oauth_user_link_answers_with_both_challenges(lab: Lab) -> None:
    response = clients.get(lab, "https://pool01.contoso.com/Autodiscover/AutodiscoverService.svc/root/oauth/user")
    assert response.status_code == 401
    assert challenges(response) == [
        f'Bearer trusted_issuers="{EXCHANGE_ID}@contoso.com", client_id="{SFB_ID}"',
        'MsRtcOAuth href="https://pool01.contoso.com/WebTicket/oauthtoken",'
        'grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password"',
    ]
    assert response.headers["X-MS-Server-Fqdn"] in ("fe01.contoso.com", "fe02.contoso.com")


@pytest.mark.parametrize(("host", "web"), [("lyncdiscoverinternal.contoso.com", "pool01.contoso.com"),
                                           ("lyncdiscover.contoso.com", "webext.contoso.com")])
def test_lyncdiscover_answers_json_links_to_the_web_services(lab: Lab, host: str, web: str) -> None:
    response = clients.get(lab, f"https://{host}/?sipuri=adele@contoso.com", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    links = response.json()["_links"]
    root = f"https://{web}/Autodiscover/AutodiscoverService.svc/root"
    assert links == {"self": {"href": f"{root}?originalDomain=contoso.com"},
                     "user": {"href": f"{root}/oauth/user?originalDomain=contoso.com"},
                     "xframe": {"href": f"https://{web}/Autodiscover/XFrame/XFrame.html"}}
    assert "X-MS-Server-Fqdn" in response.headers


def test_reverse_proxy_publishes_the_user_link_with_the_external_web_name(lab: Lab) -> None:
    response = clients.get(lab, "https://webext.contoso.com/Autodiscover/AutodiscoverService.svc/root/oauth/user")
    assert response.status_code == 401
    assert 'MsRtcOAuth href="https://webext.contoso.com/WebTicket/oauthtoken"' in challenges(response)[1]


def test_host_not_bound_on_the_machine_is_an_invalid_hostname_400(lab: Lab) -> None:
    with clients.session(lab) as s:
        response = s.get("https://pool01.contoso.com/metadata/json/1", headers={"Host": "ex01.contoso.com"},
                         timeout=5)
    assert response.status_code == 400
    assert "Invalid Hostname" in response.text


# ----------------------------------------------------------------------------- TLS
def test_sni_selects_the_certificate_for_the_name_on_a_shared_address(lab: Lab) -> None:
    for name in ("login.microsoftonline.com", "accounts.accesscontrol.windows.net"):
        cert = clients.handshake("127.77.0.100", lab.https_port, name, ca_file=lab.ca_pem_path)
        assert ("DNS", name) in cert["subjectAltName"]
        assert len(cert["subjectAltName"]) == 1


def test_front_end_certificate_names_the_pool_and_the_front_end(lab: Lab) -> None:
    cert = clients.handshake("127.77.0.22", lab.https_port, "pool01.contoso.com", ca_file=lab.ca_pem_path)
    names = {value for kind, value in cert["subjectAltName"] if kind == "DNS"}
    assert {"pool01.contoso.com", "fe02.contoso.com", "sip.contoso.com", "lyncdiscoverinternal.contoso.com"} <= names


def test_a_client_without_the_lab_ca_does_not_trust_the_lab(lab: Lab) -> None:
    with pytest.raises(requests.exceptions.SSLError), clients.session(lab) as s:
        s.get("https://pool01.contoso.com/metadata/json/1", verify=True, timeout=5)


def test_sip_listener_completes_a_tls_handshake_with_the_pool_certificate(lab: Lab) -> None:
    cert = clients.handshake("127.77.0.21", lab.sip_port, "pool01.contoso.com", ca_file=lab.ca_pem_path)
    assert ("DNS", "sip.contoso.com") in cert["subjectAltName"]


# ----------------------------------------------------------------------------- Microsoft side
def test_tenant_openid_configuration_reveals_the_tenant_id_and_region(hybrid_lab: Lab) -> None:
    for tenant in ("contoso.com", "contoso.onmicrosoft.com", TENANT_ID):
        response = clients.get(hybrid_lab, f"https://login.microsoftonline.com/{tenant}/.well-known/openid-configuration")
        assert response.status_code == 200
        doc = response.json()
        assert doc["issuer"] == f"https://sts.windows.net/{TENANT_ID}/"
        assert doc["token_endpoint"] == f"https://login.microsoftonline.com/{TENANT_ID}/oauth2/token"
        assert doc["tenant_region_scope"] == "NA"
    v2 = clients.get(hybrid_lab, "https://login.microsoftonline.com/contoso.com/v2.0/.well-known/openid-configuration")
    assert v2.json()["issuer"] == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"


def test_unknown_tenant_is_a_400_invalid_tenant_aadsts90002(hybrid_lab: Lab) -> None:
    response = clients.get(hybrid_lab, "https://login.microsoftonline.com/nope.example/.well-known/openid-configuration")
    assert response.status_code == 400
    doc = response.json()
    assert doc["error"] == "invalid_tenant"
    assert doc["error_codes"] == [90002]
    assert doc["error_description"].startswith("AADSTS90002: Tenant 'nope.example' not found.")


def test_onprem_topology_has_no_tenant_in_the_cloud(lab: Lab) -> None:
    response = clients.get(lab, "https://login.microsoftonline.com/contoso.com/.well-known/openid-configuration")
    assert response.status_code == 400


def test_getuserrealm_says_managed_for_tenant_domains_and_unknown_otherwise(hybrid_lab: Lab) -> None:
    managed = clients.get(hybrid_lab, "https://login.microsoftonline.com/getuserrealm.srf"
                                      "?login=adele@contoso.com&json=1").json()
    assert managed["NameSpaceType"] == "Managed"
    assert managed["DomainName"] == "contoso.com"
    assert managed["CloudInstanceName"] == "microsoftonline.com"
    unknown = clients.get(hybrid_lab, "https://login.microsoftonline.com/getuserrealm.srf"
                                      "?login=someone@fabrikam.com&json=1").json()
    assert unknown == {"State": 4, "UserState": 1, "Login": "someone@fabrikam.com", "NameSpaceType": "Unknown"}
    xml = clients.get(hybrid_lab, "https://login.microsoftonline.com/getuserrealm.srf?login=contoso.com&xml=1")
    assert xml.text.startswith('<RealmInfo Success="true">')
    assert "<IsFederatedNS>false</IsFederatedNS>" in xml.text


def test_acs_tenant_metadata_names_the_tenant_as_realm(hybrid_lab: Lab) -> None:
    doc = clients.get(hybrid_lab, f"https://accounts.accesscontrol.windows.net/{TENANT_ID}/metadata/json/1").json()
    assert doc["realm"] == TENANT_ID
    assert doc["issuer"] == f"00000001-0000-0000-c000-000000000000@{TENANT_ID}"
    assert doc["keys"][0]["keyValue"]["type"] == "x509Certificate"
    generic = clients.get(hybrid_lab, "https://accounts.accesscontrol.windows.net/metadata/json/1").json()
    assert "issuer" not in generic
    assert generic["endpoints"][0]["location"] == "https://accounts.accesscontrol.windows.net/tokens/OAuth/2"


def test_exchange_online_redirects_an_on_premises_address_to_its_autodiscover_json(online_lab: Lab) -> None:
    first = clients.get(online_lab, "https://outlook.office365.com/autodiscover/autodiscover.json"
                                    "?Email=adele@contoso.com&Protocol=EWS&RedirectCount=5")
    assert first.status_code == 302
    assert first.headers["Location"] == ("https://autodiscover.contoso.com/autodiscover/autodiscover.json"
                                         "?Email=adele%40contoso.com&Protocol=EWS&RedirectCount=4")
    second = clients.get(online_lab, first.headers["Location"])
    assert second.json() == {"Protocol": "EWS", "Url": "https://webmail.contoso.com/EWS/Exchange.asmx"}


def test_exchange_online_answers_for_its_own_mailboxes(online_lab: Lab) -> None:
    answer = clients.get(online_lab, "https://outlook.office365.com/autodiscover/autodiscover.json"
                                     "?Email=megan@contoso.onmicrosoft.com&Protocol=EWS")
    assert answer.json() == {"Protocol": "EWS", "Url": "https://outlook.office365.com/EWS/Exchange.asmx"}


def test_teams_lab_ews_trusts_the_tenant_and_hybrid_lab_ews_also_sfb_server(online_lab: Lab, hybrid_lab: Lab) -> None:
    def issuers(lab: Lab) -> str:
        response = clients.post(lab, "https://webmail.contoso.com/EWS/Exchange.asmx",
                                headers={"Authorization": "Bearer"}, data=b"")
        bearer = next(c for c in challenges(response) if c.startswith("Bearer "))
        return bearer.split('trusted_issuers="')[1].split('"')[0]

    assert issuers(online_lab) == f"00000001-0000-0000-c000-000000000000@{TENANT_ID}"
    assert issuers(hybrid_lab) == ("00000004-0000-0ff1-ce00-000000000000@contoso.com,"
                                   f"00000001-0000-0000-c000-000000000000@{TENANT_ID}")


def test_sfb_online_webdir_redirects_then_gives_the_user_link(online_lab: Lab) -> None:
    first = clients.get(online_lab, "https://webdir.online.lync.com/?originalDomain=contoso.com")
    assert first.status_code == 200
    links = first.json()["_links"]
    assert "user" not in links
    second = clients.get(online_lab, links["redirect"]["href"])
    user = second.json()["_links"]["user"]["href"]
    assert user.startswith("https://webdir1a.online.lync.com/Autodiscover/AutodiscoverService.svc/root/oauth/user")
    assert clients.get(online_lab, user).status_code == 401


def test_every_response_is_json_parseable_where_it_claims_json(lab: Lab) -> None:
    for url in ("https://autodiscover.contoso.com/autodiscover/metadata/json/1",
                "https://pool01.contoso.com/metadata/json/1", "https://lyncdiscover.contoso.com/"):
        response = clients.get(lab, url)
        json.loads(response.content.decode("utf-8"))
