"""Collector outputs as the collectors would write them, for a healthy Contoso deployment and its faults.

`healthy(now)` returns {"exchange": doc, "sfb-fe01": doc, "sfb-fe02": doc, "graph": doc}; every fault
in FAULTS edits a deep copy of those documents and names the findings it must cause (and only those).
Dates are relative to `now` so the tests can use a fixed clock and the CLI tests the real one.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wizard.scenario import Scenario

EXCHANGE_ID = "00000002-0000-0ff1-ce00-000000000000"
SFB_ID = "00000004-0000-0ff1-ce00-000000000000"
TEAMS_SCHEDULER_ID = "7557eb47-c689-4224-abcf-aef9bd7573df"
CLOUD_VOICEMAIL_ID = "db7de2b5-2149-435e-8043-e080dd50afae"
TENANT_ID = "6f1c2a0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
HYBRID_APP_ID = "3c9d1e2f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"  # the tenant's own dedicated Exchange hybrid application
ORGANIZATION_GUID = "0626ac82-7d72-41c7-9e9b-720b276e98f2"
FIXED_NOW = datetime.fromisoformat("2026-03-01T12:00:00+00:00")

Docs = dict[str, dict[str, Any]]


def thumb(name: str) -> str:
    """A stable, realistic-looking thumbprint for a named test certificate."""
    return hashlib.sha1(name.encode()).hexdigest().upper()


EXCHANGE_AUTH = thumb("exchange-auth")
EXCHANGE_AUTH_NEXT = thumb("exchange-auth-next")
EXCHANGE_IIS = thumb("exchange-iis")
SFB_OAUTH = thumb("sfb-oauth")
SFB_OAUTH_OTHER = thumb("sfb-oauth-other")
SFB_OAUTH_NEXT = thumb("sfb-oauth-next")


def iso(moment: datetime) -> str:
    """The 'o' format .NET writes: seven fraction digits and Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def scenario(topology: str = "hybrid") -> Scenario:
    """Exchange 2016 on premises with SfB Server 2015, on premises only or hybrid with the tenant;
    "exchange-hybrid" puts mailboxes in Exchange Online too (an Exchange hybrid) with Exchange SE."""
    s = Scenario()
    values: dict[str, Any] = {
        "exchange": "server", "exchange_version": "2016", "sfb": "server", "sfb_version": "2015",
        "sip_domains": ["contoso.com"], "smtp_domain": "contoso.com",
        "exchange_fqdns": ["ex01.contoso.com", "ex02.contoso.com"], "exchange_lb_fqdn": "mail.contoso.com",
        "autodiscover_fqdn": "autodiscover.contoso.com",
        "pool_fqdns": ["pool01.contoso.com"], "test_sip_uri": "sip:kenmyer@contoso.com",
    }
    if topology in ("hybrid", "exchange-hybrid"):
        values.update({"sfb": "hybrid", "tenant_domain": "contoso.onmicrosoft.com", "tenant_id": TENANT_ID,
                       "pool_external_web_fqdns": ["webext.contoso.com"]})
    if topology == "exchange-hybrid":
        values.update({"exchange": "hybrid", "exchange_version": "se", "sfb_version": "se"})
    problems = s.update(values)
    assert not problems, problems
    s.require_valid()
    return s


def _exchange_cert(server: str, thumbprint: str, subject: str, now: datetime, *, days_left: int,
                   services: str = "SMTP", key: int = 2048, age: int = 400) -> dict[str, Any]:
    return {"Server": server, "Thumbprint": thumbprint, "Subject": subject, "Issuer": subject,
            "FriendlyName": subject.removeprefix("CN="), "PublicKeySize": key,
            "NotBefore": iso(now - timedelta(days=age)), "NotAfter": iso(now + timedelta(days=days_left)),
            "Services": services}


def _sfb_cert(computer: str, scope: str, thumbprint: str, now: datetime, *, days_left: int = 600,
              subject: str = "CN=contoso.com", key: int | None = 2048, effective: datetime | None = None,
              previous: str = "") -> dict[str, Any]:
    return {"Scope": scope, "Computer": computer, "Thumbprint": thumbprint, "Subject": subject,
            "Issuer": "CN=Contoso Issuing CA", "AlternativeNames": ["contoso.com", "sip.contoso.com"],
            "KeySize": key if scope == "local" else None, "NotBefore": iso(now - timedelta(days=200)),
            "NotAfter": iso(now + timedelta(days=days_left)), "EffectiveDate": iso(effective) if effective else None,
            "PreviousThumbprint": previous}


def _envelope(collector: str, computer: str, now: datetime) -> dict[str, Any]:
    return {"collector": collector, "schema_version": 2, "collected_at": iso(now - timedelta(hours=2)),
            "computer": computer}


def exchange_doc(now: datetime, topology: str = "hybrid") -> dict[str, Any]:
    servers = ["ex01.contoso.com", "ex02.contoso.com"]
    certs = []
    for server in servers:
        certs.append(_exchange_cert(server, EXCHANGE_AUTH, "CN=Microsoft Exchange Server Auth Certificate", now,
                                    days_left=1400))
        certs.append(_exchange_cert(server, EXCHANGE_IIS, "CN=mail.contoso.com", now, days_left=300,
                                    services="IMAP, POP, IIS, SMTP"))
    apps = [{"Name": "LyncEnterprise-5ac0b6c2-2d0c-4c2e-9d3e-55cf1b0a2d71",
             "Identity": "LyncEnterprise-5ac0b6c2-2d0c-4c2e-9d3e-55cf1b0a2d71", "ApplicationIdentifier": SFB_ID,
             "Enabled": True, "AuthMetadataUrl": "https://pool01.contoso.com/metadata/json/1", "Realm": "",
             "LinkedAccount": "contoso.com/Users/LyncEnterprise-ApplicationAccount", "UseAuthServer": False}]
    tenant = topology in ("hybrid", "exchange-hybrid")
    if tenant:
        apps += [
            {"Name": "Exchange Online", "Identity": "Exchange Online", "ApplicationIdentifier": EXCHANGE_ID,
             "Enabled": True, "AuthMetadataUrl": "", "Realm": "", "LinkedAccount": "", "UseAuthServer": True},
            {"Name": "TeamsScheduler", "Identity": "TeamsScheduler", "ApplicationIdentifier": TEAMS_SCHEDULER_ID,
             "Enabled": True, "AuthMetadataUrl": "", "Realm": "",
             "LinkedAccount": "contoso.com/Users/TeamsScheduler", "UseAuthServer": True},
            {"Name": "CloudVoicemail", "Identity": "CloudVoicemail", "ApplicationIdentifier": CLOUD_VOICEMAIL_ID,
             "Enabled": True, "AuthMetadataUrl": "", "Realm": "", "LinkedAccount": "", "UseAuthServer": True},
        ]
    return {
        **_envelope("exchange", "EX01", now),
        "exchange_servers": [{"Name": s.split(".")[0].upper(), "Fqdn": s, "AdminDisplayVersion": "Version 15.1",
                              "ServerRole": "Mailbox"} for s in servers],
        "auth_config": {"CurrentCertificateThumbprint": EXCHANGE_AUTH, "NextCertificateThumbprint": "",
                        "NextCertificateEffectiveDate": None, "PreviousCertificateThumbprint": "", "Realm": "",
                        "ServiceName": EXCHANGE_ID},
        "partner_applications": apps,
        "client_access": [{"Name": s.split(".")[0].upper(), "Fqdn": s,
                           "AutoDiscoverServiceInternalUri": "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"}
                          for s in servers],
        # Both servers publish EWS on mail.contoso.com (ExternalUrl as the cmdlet shows it).
        "web_services": [{"Server": s.split(".")[0].upper(),
                          "Identity": f"{s.split('.')[0].upper()}\\EWS (Default Web Site)",
                          "InternalUrl": f"https://{s}/EWS/Exchange.asmx",
                          "ExternalUrl": "https://mail.contoso.com/EWS/Exchange.asmx"} for s in servers],
        "certificates": certs,
        "auth_servers": [
            {"Name": f"EvoSts - {TENANT_ID}", "Type": "AzureAD", "ApplicationIdentifier": HYBRID_APP_ID,
             "Realm": TENANT_ID, "Enabled": True,
             "AuthMetadataUrl": f"https://login.windows.net/{TENANT_ID}/federationmetadata/2007-06/"
                                "federationmetadata.xml", "DomainName": ["contoso.mail.onmicrosoft.com"]},
            {"Name": "ACS - contoso.onmicrosoft.com", "Type": "MicrosoftACS", "ApplicationIdentifier": "",
             "Realm": TENANT_ID, "Enabled": True,
             "AuthMetadataUrl": f"https://accounts.accesscontrol.windows.net/{TENANT_ID}/metadata/json/1",
             "DomainName": ["contoso.mail.onmicrosoft.com"]},
        ] if tenant else [],
        "setting_overrides": [
            {"Name": "EnableExchangeHybrid3PAppFeature", "ComponentName": "Global",
             "SectionName": "ExchangeOnpremAsThirdPartyAppId", "Parameters": ["Enabled=true"], "Server": ""},
        ] if tenant else [],
        "organization_config": {"EwsEnabled": None, "EwsApplicationAccessPolicy": "", "EwsAllowList": [],
                                "EwsBlockList": []},
        "cas_mailboxes": [] if topology == "exchange-hybrid" else [
            {"Identity": "contoso.com/Users/Ken Myer", "PrimarySmtpAddress": "kenmyer@contoso.com",
             "EwsEnabled": True, "EwsApplicationAccessPolicy": "", "EwsAllowList": [], "EwsBlockList": []}],
        "errors": [],
    }


def sfb_doc(now: datetime, computer: str, topology: str = "hybrid") -> dict[str, Any]:
    fqdn = f"{computer.lower()}.contoso.com"
    metadata = "https://autodiscover.contoso.com/autodiscover/metadata/json/1"
    oauth_servers = []
    if topology in ("hybrid", "exchange-hybrid"):
        oauth_servers.append({"Identity": "microsoft.sts", "IssuerIdentifier": "",
                              "MetadataUrl": f"https://accounts.accesscontrol.windows.net/{TENANT_ID}/metadata/json/1",
                              "Realm": "", "Type": "ACS"})
    return {
        **_envelope("sfb", computer, now),
        "computer_fqdn": fqdn,
        "oauth_configuration": {
            "Identity": "Global", "Realm": "contoso.com", "ServiceName": SFB_ID,
            "ExchangeAutodiscoverUrl": "https://autodiscover.contoso.com/autodiscover/autodiscover.svc",
            "ExchangeAutodiscoverAllowedDomains": "*", "ClientAuthorizationOAuthServerIdentity": ""},
        "partner_applications": [{"Identity": "microsoft.exchange", "Name": "microsoft.exchange",
                                  "ApplicationIdentifier": EXCHANGE_ID, "Enabled": True, "MetadataUrl": "",
                                  "AuthToken": f"MetadataUrl={metadata}", "Realm": "",
                                  "ApplicationTrustLevel": "Full"}],
        "oauth_servers": oauth_servers,
        "pools": [{"Fqdn": "pool01.contoso.com", "Site": "Site:Redmond",
                   "Computers": ["fe01.contoso.com", "fe02.contoso.com"]}],
        "oauth_token_issuer": [_sfb_cert(fqdn, "local", SFB_OAUTH, now), _sfb_cert(fqdn, "global", SFB_OAUTH, now)],
        **({"patch_versions": [
            {"ComponentName": "Skype for Business Server Subscription Edition, Core Components",
             "Version": "7.0.2046.889"},
            {"ComponentName": "Skype for Business Server Subscription Edition, Front End Server",
             "Version": "7.0.2046.889"}]} if topology == "exchange-hybrid" else {}),
        "errors": [],
    }


def graph_doc(now: datetime, topology: str = "hybrid") -> dict[str, Any]:
    def key(thumbprint: str, subject: str, days_left: int) -> dict[str, Any]:
        return {"KeyId": hashlib.md5(thumbprint.encode()).hexdigest(),
                "Type": "AsymmetricX509Cert", "Usage": "Verify", "DisplayName": subject,
                "CustomKeyIdentifier": thumbprint, "StartDateTime": iso(now - timedelta(days=300)),
                "EndDateTime": iso(now + timedelta(days=days_left))}

    exchange_key = key(EXCHANGE_AUTH, "CN=Microsoft Exchange Server Auth Certificate", 1400)
    sfb_key = key(SFB_OAUTH, "CN=contoso.com", 600)
    principals = {
        SFB_ID: ("Skype for Business Online", [exchange_key, sfb_key]),
        # The dedicated application holds Exchange's key; with Exchange Online mailboxes SfB Server's key is here too
        # (Microsoft's SfB hybrid server-to-server procedure repeats the upload for Exchange's principal).
        EXCHANGE_ID: ("Office 365 Exchange Online", [sfb_key] if topology == "exchange-hybrid" else []),
        TEAMS_SCHEDULER_ID: ("Teams Calendar Scheduler Service", [exchange_key]),
        CLOUD_VOICEMAIL_ID: ("Cloud Voicemail", [exchange_key]),
    }
    # The Hybrid Configuration Wizard registers the published Exchange URLs as SPNs of Exchange's principal.
    spns = {EXCHANGE_ID: [EXCHANGE_ID, f"{EXCHANGE_ID}/outlook.office365.com", "https://mail.contoso.com/",
                          "https://autodiscover.contoso.com/"]}
    return {
        **_envelope("graph", "ADMINPC", now),
        "tenant_id": TENANT_ID,
        "service_principals": [
            {"AppId": app_id, "Found": True, "Id": hashlib.md5(app_id.encode()).hexdigest(),
             "DisplayName": name, "AccountEnabled": True, "ServicePrincipalNames": spns.get(app_id, [app_id]),
             "KeyCredentials": copy.deepcopy(keys)}
            for app_id, (name, keys) in principals.items()],
        "applications": [
            {"AppId": HYBRID_APP_ID, "Id": hashlib.md5(HYBRID_APP_ID.encode()).hexdigest(),
             "DisplayName": f"ExchangeServerApp-{ORGANIZATION_GUID}", "KeyCredentials": [copy.deepcopy(exchange_key)]}],
        "errors": [],
    }


def exo_doc(now: datetime) -> dict[str, Any]:
    """Exchange Online kept EWS on for the hybrid application and Skype for Business Server (allow list)."""
    return {
        **_envelope("exo", "ADMINPC", now),
        "tenant_id": TENANT_ID,
        "organization_config": {"EwsEnabled": True, "EwsApplicationAccessPolicy": "", "EwsAllowList": [],
                                "EwsBlockList": [], "EwsAllowedAppIDs": [f"{HYBRID_APP_ID},{SFB_ID}"],
                                "EwsAllowedAppIDsRead": True},
        "cas_mailboxes": [
            {"Identity": "Ken Myer", "PrimarySmtpAddress": "kenmyer@contoso.com", "EwsEnabled": True,
             "EwsApplicationAccessPolicy": "", "EwsAllowList": [], "EwsBlockList": []}],
        "errors": [],
    }


def healthy(now: datetime = FIXED_NOW, topology: str = "hybrid") -> Docs:
    docs = {"exchange": exchange_doc(now, topology), "sfb-fe01": sfb_doc(now, "FE01", topology),
            "sfb-fe02": sfb_doc(now, "FE02", topology)}
    if topology in ("hybrid", "exchange-hybrid"):
        docs["graph"] = graph_doc(now, topology)
    if topology == "exchange-hybrid":
        docs["exo"] = exo_doc(now)
    return docs


def write(docs: Docs, folder: Path, *, encoding: str = "utf-8-sig") -> list[Path]:
    """Write the documents as the collectors do (UTF-8 with BOM by default); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, doc in docs.items():
        path = folder / f"{name}.json"
        path.write_bytes(json.dumps(doc, indent=2).encode(encoding))
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------------------------
# Faults: each edits the documents in place and names exactly the findings it causes.
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fault:
    name: str
    edit: Callable[[Docs, datetime], None]
    expected: tuple[tuple[str, str], ...]  # (finding id, status) for every non-pass finding


def _sfb_all(docs: Docs) -> list[dict[str, Any]]:
    return [d for name, d in docs.items() if name.startswith("sfb-")]


def _set_autodiscover(url: str) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for doc in _sfb_all(docs):
            doc["oauth_configuration"]["ExchangeAutodiscoverUrl"] = url
    return edit


def _sfb_app(change: dict[str, Any] | None) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for doc in _sfb_all(docs):
            if change is None:
                doc["partner_applications"] = []
            else:
                doc["partner_applications"][0].update(change)
    return edit


def _exchange_app(app_id: str, change: dict[str, Any] | None) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        apps = docs["exchange"]["partner_applications"]
        if change is None:
            docs["exchange"]["partner_applications"] = [a for a in apps if a["ApplicationIdentifier"] != app_id]
        else:
            for app in apps:
                if app["ApplicationIdentifier"] == app_id:
                    app.update(change)
    return edit


def _fe02_other_cert(docs: Docs, now: datetime) -> None:
    docs["sfb-fe02"]["oauth_token_issuer"][0] = _sfb_cert("fe02.contoso.com", "local", SFB_OAUTH_OTHER, now)


def _sfb_cert_days(days: int) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for doc in _sfb_all(docs):
            for cert in doc["oauth_token_issuer"]:
                cert["NotAfter"] = iso(now + timedelta(days=days))
        for sp in docs.get("graph", {}).get("service_principals", []):
            for key in sp["KeyCredentials"]:
                if key["CustomKeyIdentifier"] == SFB_OAUTH:
                    key["EndDateTime"] = iso(now + timedelta(days=days))
    return edit


def _sfb_rolled(docs: Docs, now: datetime) -> None:
    """Current certificate expiring in 20 days, successor rolled in for next week (no finding)."""
    _sfb_cert_days(20)(docs, now)
    for doc in _sfb_all(docs):
        fqdn = doc["computer_fqdn"]
        doc["oauth_token_issuer"] += [
            _sfb_cert(fqdn, "local", SFB_OAUTH_NEXT, now, days_left=700, effective=now + timedelta(days=7),
                      previous=SFB_OAUTH),
            _sfb_cert(fqdn, "global", SFB_OAUTH_NEXT, now, days_left=700, effective=now + timedelta(days=7),
                      previous=SFB_OAUTH)]


def _sfb_cert_change(change: dict[str, Any]) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for doc in _sfb_all(docs):
            for cert in doc["oauth_token_issuer"]:
                cert.update({k: v for k, v in change.items() if k != "KeySize" or cert["Scope"] == "local"})
    return edit


def _fe03_in_pool(docs: Docs, now: datetime) -> None:
    for doc in _sfb_all(docs):
        doc["pools"][0]["Computers"].append("fe03.contoso.com")


def _exchange_auth_days(days: int) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for cert in docs["exchange"]["certificates"]:
            if cert["Thumbprint"] == EXCHANGE_AUTH:
                cert["NotAfter"] = iso(now + timedelta(days=days))
        graph = docs.get("graph", {})
        for owner in [*graph.get("service_principals", []), *graph.get("applications", [])]:
            for key in owner["KeyCredentials"]:
                if key["CustomKeyIdentifier"] == EXCHANGE_AUTH:
                    key["EndDateTime"] = iso(now + timedelta(days=days))
    return edit


def _exchange_next_set(docs: Docs, now: datetime) -> None:
    """Current expiring in 30 days, the next certificate takes over in 5 days (no finding)."""
    _exchange_auth_days(30)(docs, now)
    exchange = docs["exchange"]
    exchange["auth_config"]["NextCertificateThumbprint"] = EXCHANGE_AUTH_NEXT
    exchange["auth_config"]["NextCertificateEffectiveDate"] = iso(now + timedelta(days=5))
    for server in ("ex01.contoso.com", "ex02.contoso.com"):
        exchange["certificates"].append(_exchange_cert(server, EXCHANGE_AUTH_NEXT,
                                                       "CN=Microsoft Exchange Server Auth Certificate", now,
                                                       days_left=1825, age=1))
    for app in docs.get("graph", {}).get("applications", []):  # ConfigureExchangeHybridApplication -UpdateCertificate
        app["KeyCredentials"].append({**app["KeyCredentials"][0], "KeyId": "next", "CustomKeyIdentifier":
                                      EXCHANGE_AUTH_NEXT, "EndDateTime": iso(now + timedelta(days=1825))})


def _exchange_auth_missing_on_ex02(docs: Docs, now: datetime) -> None:
    docs["exchange"]["certificates"] = [c for c in docs["exchange"]["certificates"]
                                        if not (c["Server"] == "ex02.contoso.com" and c["Thumbprint"] == EXCHANGE_AUTH)]


def _tenant_lacks_exchange_cert(docs: Docs, now: datetime) -> None:
    for sp in docs["graph"]["service_principals"]:
        if sp["AppId"] == SFB_ID:
            sp["KeyCredentials"] = [k for k in sp["KeyCredentials"] if k["CustomKeyIdentifier"] != EXCHANGE_AUTH]


def _realm(value: str) -> Callable[[Docs, datetime], None]:
    def edit(docs: Docs, now: datetime) -> None:
        for doc in _sfb_all(docs):
            doc["oauth_configuration"]["Realm"] = value
    return edit


def _sfb_service_name(docs: Docs, now: datetime) -> None:
    for doc in _sfb_all(docs):
        doc["oauth_configuration"]["ServiceName"] = ""


def _cas_server_name(docs: Docs, now: datetime) -> None:
    docs["exchange"]["client_access"][1]["AutoDiscoverServiceInternalUri"] = (
        "https://ex02.contoso.com/Autodiscover/Autodiscover.xml")


def _teams_apps_missing(docs: Docs, now: datetime) -> None:
    _exchange_app(TEAMS_SCHEDULER_ID, None)(docs, now)
    _exchange_app(CLOUD_VOICEMAIL_ID, None)(docs, now)


def _ews_spn_missing(docs: Docs, now: datetime) -> None:
    principal = next(s for s in docs["graph"]["service_principals"] if s["AppId"] == EXCHANGE_ID)
    principal["ServicePrincipalNames"].remove("https://mail.contoso.com/")


def _collector_error(docs: Docs, now: datetime) -> None:
    docs["exchange"]["errors"].append({"Source": "Get-PartnerApplication", "Message": "Access is denied."})


FAULTS: tuple[Fault, ...] = (
    Fault("autodiscover-xml", _set_autodiscover("https://autodiscover.contoso.com/autodiscover/autodiscover.xml"),
          (("inside.autodiscover-url", "fail"),)),
    Fault("autodiscover-empty", _set_autodiscover(""), (("inside.autodiscover-url", "fail"),)),
    Fault("autodiscover-other-host", _set_autodiscover("https://mail.fabrikam.com/autodiscover/autodiscover.svc"),
          (("inside.autodiscover-url", "fail"),)),
    Fault("cas-uri-server-name", _cas_server_name, (("inside.autodiscover-internal-uri", "warn"),)),
    Fault("sfb-partner-missing", _sfb_app(None), (("inside.sfb-partner-exchange", "fail"),)),
    Fault("sfb-partner-disabled", _sfb_app({"Enabled": False}), (("inside.sfb-partner-exchange", "fail"),)),
    Fault("sfb-partner-wrong-metadata",
          _sfb_app({"AuthToken": "MetadataUrl=https://autodiscover.contoso.com/metadata/json/1"}),
          (("inside.sfb-partner-exchange", "fail"),)),
    Fault("exchange-partner-missing", _exchange_app(SFB_ID, None), (("inside.exchange-partner-sfb", "fail"),)),
    Fault("exchange-partner-disabled", _exchange_app(SFB_ID, {"Enabled": False}),
          (("inside.exchange-partner-sfb", "fail"),)),
    Fault("teams-apps-missing", _teams_apps_missing, (("inside.teams-partner-apps", "warn"),)),
    Fault("token-issuer-differs", _fe02_other_cert, (("inside.sfb-token-issuer-consistency", "fail"),)),
    Fault("front-end-not-collected", _fe03_in_pool, (("inside.sfb-token-issuer-consistency", "warn"),)),
    Fault("token-issuer-expiring", _sfb_cert_days(45), (("inside.sfb-token-issuer-expiry", "warn"),)),
    Fault("token-issuer-expired", _sfb_cert_days(-3), (("inside.sfb-token-issuer-expiry", "fail"),)),
    Fault("token-issuer-rolled", _sfb_rolled, ()),
    Fault("token-issuer-weak-key", _sfb_cert_change({"KeySize": 1024}),
          (("inside.sfb-token-issuer-properties", "fail"),)),
    Fault("token-issuer-foreign-subject",
          _sfb_cert_change({"Subject": "CN=fe01.corp.local", "AlternativeNames": ["fe01.corp.local"]}),
          (("inside.sfb-token-issuer-properties", "warn"),)),
    Fault("exchange-auth-expiring", _exchange_auth_days(40), (("inside.exchange-auth-cert-expiry", "warn"),)),
    Fault("exchange-auth-expired", _exchange_auth_days(-10), (("inside.exchange-auth-cert-expiry", "fail"),)),
    Fault("exchange-auth-next-set", _exchange_next_set, ()),
    Fault("exchange-auth-missing-on-server", _exchange_auth_missing_on_ex02,
          (("inside.exchange-auth-cert-servers", "fail"),)),
    Fault("tenant-lacks-exchange-cert", _tenant_lacks_exchange_cert,
          (("inside.tenant-service-principal-keys", "fail"),)),
    Fault("realm-not-sip-domain", _realm("fabrikam.com"), (("inside.oauth-realm", "fail"),)),
    Fault("sfb-service-name-empty", _sfb_service_name, (("inside.oauth-service-names", "fail"),)),
    Fault("ews-spn-missing", _ews_spn_missing, (("inside.exchange-ews-spns", "fail"),)),
    Fault("collector-error", _collector_error, (("inside.collection-health", "warn"),)),
)
FAULT_BY_NAME = {f.name: f for f in FAULTS}


def faulty(name: str, now: datetime = FIXED_NOW) -> Docs:
    docs = copy.deepcopy(healthy(now))
    FAULT_BY_NAME[name].edit(docs, now)
    return docs
