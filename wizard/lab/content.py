"""What each simulated server answers, built from the documented wire formats (protocols.md §1-4).

Exchange Server SE (ex01, also as autodiscover): 401 challenges on Autodiscover and EWS, the Bearer
challenge when an empty bearer token is offered, the OAuth metadata document (lower-case
keyinfo/keyvalue), Autodiscover v2 JSON and OWA's redirect with X-OWA-Version.
SfB Server SE Front Ends (fe01, fe02 behind pool01) and the reverse proxy: the camel-case metadata
document of the field guide, lyncdiscover JSON and the oauth/user 401 with its two challenges.
Microsoft's side: openid-configuration, getuserrealm.srf and ACS metadata on loopback stand-ins for
login.microsoftonline.com and accounts.accesscontrol.windows.net, SfB Online's webdir, and Exchange
Online's autodiscover.json, which answers for the tenant's own mailboxes and redirects the others to
autodiscover.<their domain> (Microsoft support, "Resolve interaction issues between Teams and Exchange
Server"). Exchange's Bearer challenge lists the issuers it trusts: SfB Server's 00000004@<realm> with
a pool on premises, the tenant's 00000001@<tenant ID> with a tenant.
Only `LabConfig` decides what is broken; no fault names appear here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from wizard.lab.certificates import LabCertificates
from wizard.lab.deployment import (
    ACS_HOST,
    DOMAIN,
    EXCHANGE_BUILD,
    EXCHANGE_ONLINE_HOST,
    EXCHANGE_SERVER,
    EXTERNAL_MAIL,
    EXTERNAL_WEB,
    LOGIN_HOST,
    POOL,
    SIPDIR,
    SIPFED,
    TENANT_DOMAIN,
    TENANT_ID,
    TENANT_REGION,
    WEBDIR,
    WEBDIR_POOL,
    Deployment,
    Machine,
    Role,
)
from wizard.lab.faults import LabConfig
from wizard.lab.https_server import HttpRequest, HttpResponse
from wizard.policy import ACS_SERVICE_ID as ACS_ID
from wizard.policy import EXCHANGE_SERVICE_ID as EXCHANGE_ID
from wizard.policy import SFB_SERVICE_ID as SFB_ID

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html"
AUTODISCOVER_SERVICE = "/Autodiscover/AutodiscoverService.svc/root"
MSRTC_GRANT_TYPES = "urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password"
AADSTS90002 = ("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
               "are signing into the correct cloud. Check with your subscription administrator, this may happen if "
               "there are no active subscriptions for the tenant.")
AUTODISCOVER_V2_PROTOCOLS = {
    "ews": ("EWS", "/EWS/Exchange.asmx"),
    "activesync": ("ActiveSync", "/Microsoft-Server-ActiveSync"),
    "autodiscoverv1": ("AutodiscoverV1", "/autodiscover/autodiscover.xml"),
}

Route = Callable[[Machine, HttpRequest], HttpResponse]


def _json(status: int, document: Any, *headers: tuple[str, str]) -> HttpResponse:
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    return HttpResponse(status, (("Content-Type", JSON_TYPE), *headers), body)


def _html(status: int, title: str, text: str, *headers: tuple[str, str]) -> HttpResponse:
    body = (f"<!DOCTYPE html><html><head><title>{escape(title)}</title></head>"
            f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>").encode()
    return HttpResponse(status, (("Content-Type", HTML_TYPE), *headers), body)


def not_found(*headers: tuple[str, str]) -> HttpResponse:
    return _html(404, "404 - File or directory not found.",
                 "The resource you are looking for might have been removed, had its name changed, or is "
                 "temporarily unavailable.", *headers)


def invalid_hostname() -> HttpResponse:
    """What HTTP.sys answers when no site is bound to the requested host name."""
    return _html(400, "Bad Request - Invalid Hostname", "HTTP Error 400. The request hostname is invalid.")


def _norm(path: str) -> str:
    """IIS matches paths case-insensitively and ignores a trailing slash on directories."""
    return path.lower().rstrip("/") or "/"


def _bearer_offered(request: HttpRequest) -> bool:
    return request.headers.get("authorization", "").strip().lower().startswith("bearer")


class LabContent:
    """The responder for the HTTPS farm: (machine, request) -> response."""

    def __init__(self, deployment: Deployment, config: LabConfig, certificates: LabCertificates) -> None:
        self.deployment = deployment
        self.config = config
        self.certificates = certificates
        self.realm = config.sfb_realm or DOMAIN
        self.tenant_names = ({DOMAIN, TENANT_DOMAIN, TENANT_ID}
                             if deployment.has_tenant and config.tenant_found else set())
        self._exchange_document_id = f"_{uuid.uuid4()}"
        self._routes: dict[Role, Route] = {
            Role.EXCHANGE: self._exchange,
            Role.FRONT_END: self._sfb_web,
            Role.REVERSE_PROXY: self._sfb_web,
            Role.MICROSOFT_LOGIN: self._microsoft,
            Role.SFB_ONLINE: self._sfb_online,
            Role.EXCHANGE_ONLINE: self._exchange_online,
        }

    def __call__(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        if request.host not in machine.web_names:
            return invalid_hostname()
        return self._routes[machine.role](machine, request)

    # ------------------------------------------------------------------ Exchange Server SE
    @staticmethod
    def _exchange_headers() -> tuple[tuple[str, str], ...]:
        return (("Cache-Control", "private"), ("request-id", str(uuid.uuid4())),
                ("X-FEServer", EXCHANGE_SERVER.split(".")[0].upper()), ("X-Powered-By", "ASP.NET"))

    def _exchange(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        path = _norm(request.path)
        if path == "/autodiscover/autodiscover.xml":
            return self._exchange_401(request, offers_oauth=False)  # POX: Windows authentication only
        if self.config.ews_preauth and request.host == EXTERNAL_MAIL and path.startswith("/ews"):
            return self._preauth_redirect(request)
        if path in ("/autodiscover/autodiscover.svc", "/ews/exchange.asmx") or path.startswith(
                "/autodiscover/autodiscover.svc/"):
            return self._exchange_401(request, offers_oauth=True)
        if path == "/autodiscover/metadata/json/1":
            return _json(200, self.exchange_metadata(), *self._exchange_headers())
        if path == "/autodiscover/autodiscover.json" or path.startswith("/autodiscover/autodiscover.json/"):
            return self._autodiscover_v2(request)
        if path == "/owa":
            back = quote(f"https://{request.host}/owa/", safe="").lower()
            return HttpResponse(302, (("Location", f"https://{request.host}/owa/auth/logon.aspx?url={back}&reason=0"),
                                      ("X-OWA-Version", EXCHANGE_BUILD), *self._exchange_headers()))
        if path == "/owa/auth/logon.aspx":
            return _html(200, "Outlook", "Sign in to Outlook on the web.", ("X-OWA-Version", EXCHANGE_BUILD),
                         *self._exchange_headers())
        if path == "/":
            return _html(200, "IIS Windows Server", "Internet Information Services")
        return not_found(*self._exchange_headers())

    def _exchange_401(self, request: HttpRequest, *, offers_oauth: bool) -> HttpResponse:
        headers = list(self._exchange_headers())
        if offers_oauth and _bearer_offered(request):
            bearer = f'Bearer client_id="{EXCHANGE_ID}"'
            if self.config.exchange_accepts_oauth:
                issuers = ",".join(self.trusted_issuers())
                bearer += f', trusted_issuers="{issuers}"' if issuers else ""
                diagnostics = '2000001;reason="The token is invalid.";error_category="invalid_token"'
                if self.config.exchange_invalid_tenant:
                    diagnostics = (f'2000004;reason="The tenant for tenant guid \'{DOMAIN}\' does not exist.";'
                                   'error_category="invalid_tenant"')
            else:
                diagnostics = (f'4000000;reason="Flighting is not enabled for domain \'{request.host}\'.";'
                               'error_category="oauth_not_available"')
            bearer += ', token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"'
            headers += [("WWW-Authenticate", f'Basic realm="{request.host}"'), ("WWW-Authenticate", bearer),
                        ("x-ms-diagnostics", diagnostics)]
        else:
            headers += [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM"),
                        ("WWW-Authenticate", f'Basic realm="{request.host}"')]
        return HttpResponse(401, tuple(headers))

    def trusted_issuers(self) -> list[str]:
        """Whom Exchange's OAuth module trusts: SfB Server (its partner application, in SfB's realm) and the
        tenant's Microsoft Entra ID (the auth server the hybrid configuration creates)."""
        issuers = [f"{SFB_ID}@{self.realm}"] if self.deployment.sfb_on_prem and self.config.exchange_trusts_sfb else []
        tenant = self.config.ews_trusted_tenant or TENANT_ID
        if self.deployment.has_tenant and tenant != "none":
            issuers.append(f"{ACS_ID}@{tenant}")
        return issuers

    def _preauth_redirect(self, request: HttpRequest) -> HttpResponse:
        """Web Application Proxy with AD FS pre-authentication: the sign-in page instead of Exchange's 401."""
        back = quote(f"https://{request.host}{request.path}", safe="")
        location = (f"https://sts.{DOMAIN}/adfs/ls/?version=1.0&action=signin&realm=urn%3AAppProxy%3Acom"
                    f"&appRealm={uuid.uuid4()}&returnUrl={back}&client-request-id={uuid.uuid4()}")
        return HttpResponse(307, (("Location", location),
                                  ("Set-Cookie", "EdgeAccessCookie=; path=/; secure; httponly")))

    def exchange_metadata(self) -> dict[str, Any]:
        """Exchange's auth metadata: lower-case keyinfo/keyvalue, realm "*", back-end :444 endpoint."""
        auth = self.certificates.exchange_auth
        assert auth is not None
        return {
            "id": self._exchange_document_id, "version": "1.0", "name": "Exchange", "realm": "*",
            "serviceName": EXCHANGE_ID, "issuer": f"{EXCHANGE_ID}@*", "allowedAudiences": [f"{EXCHANGE_ID}@*"],
            "keys": [{"usage": "signing", "keyinfo": {"x5t": auth.x5t},
                      "keyvalue": {"type": "x509Certificate", "value": auth.base64_der}}],
            "endpoints": [{"location": f"https://{EXCHANGE_SERVER}:444/autodiscover/metadata/json/1",
                           "protocol": "OAuth2", "usage": "metadata"}],
        }

    def _autodiscover_v2(self, request: HttpRequest) -> HttpResponse:
        wanted = request.param("Protocol")
        known = AUTODISCOVER_V2_PROTOCOLS.get(wanted.lower())
        if known is None:
            supported = ",".join(name for name, _ in AUTODISCOVER_V2_PROTOCOLS.values())
            return _json(400, {"ErrorCode": "InvalidProtocol",
                               "ErrorMessage": f"The given protocol value '{wanted}' is invalid. "
                                               f"Supported values are '{supported}'"})
        name, path = known
        url = f"https://{EXTERNAL_MAIL}{path}"  # the virtual directory's ExternalUrl
        if name == "EWS" and self.config.autodiscover_v2_ews_url:
            url = self.config.autodiscover_v2_ews_url
        return _json(200, {"Protocol": name, "Url": url}, *self._exchange_headers())

    # ------------------------------------------------------------------ Exchange Online
    def _exchange_online(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        """autodiscover.json: the tenant's own mailboxes answer here; everyone else is redirected to the
        autodiscover name of their domain, RedirectCount one lower (the count's handling is not documented)."""
        headers = (("request-id", str(uuid.uuid4())), ("X-FEServer", "AM0PR01CA0001"))
        if _norm(request.path) != "/autodiscover/autodiscover.json":
            return not_found(*headers)
        email, protocol = request.param("Email"), request.param("Protocol")
        domain = email.rpartition("@")[2].lower()
        if not domain:
            return _json(400, {"ErrorCode": "InvalidUser", "ErrorMessage": "The given user is invalid."}, *headers)
        if domain == TENANT_DOMAIN:
            known = AUTODISCOVER_V2_PROTOCOLS.get(protocol.lower())
            if known is None:
                return _json(400, {"ErrorCode": "InvalidProtocol",
                                   "ErrorMessage": f"The given protocol value '{protocol}' is invalid."}, *headers)
            return _json(200, {"Protocol": known[0], "Url": f"https://{EXCHANGE_ONLINE_HOST}{known[1]}"}, *headers)
        try:
            count = max(int(request.param("RedirectCount") or "5") - 1, 0)
        except ValueError:
            count = 0
        query = urlencode({"Email": email, "Protocol": protocol, "RedirectCount": count})
        return HttpResponse(302, (("Location", f"https://autodiscover.{domain}/autodiscover/autodiscover.json?{query}"),
                                  *headers))

    # ------------------------------------------------------------------ SfB Server SE web services
    def _sfb_web(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        external = machine.role is Role.REVERSE_PROXY
        web = EXTERNAL_WEB if external else POOL
        front_end = self.deployment.front_ends[0] if external else machine
        headers = (("X-MS-Server-Fqdn", f"{front_end.key}.{DOMAIN}"), ("X-Powered-By", "ASP.NET"),
                   ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-cache"))
        path = _norm(request.path)
        if path == "/" and request.host.startswith("lyncdiscover"):
            return _json(200, discovery_links(web, DOMAIN), *headers)
        if path == "/metadata/json/1":
            status = self.config.pool_metadata_status
            if status == 404:
                return not_found(*headers)
            if status != 200:
                return HttpResponse(status, headers)
            return HttpResponse(200, (("Content-Type", JSON_TYPE), *headers), self.sfb_metadata_body(front_end.key))
        if path == AUTODISCOVER_SERVICE.lower():
            return _json(200, discovery_links(web, DOMAIN), *headers)
        if path == f"{AUTODISCOVER_SERVICE}/oauth/user".lower():
            return self._sfb_user_401(web, headers)
        if path == "/autodiscover/xframe/xframe.html":
            return _html(200, "XFrame", "Autodiscover cross-domain frame.", *headers)
        return not_found(*headers)

    def _sfb_user_401(self, web: str, headers: tuple[tuple[str, str], ...]) -> HttpResponse:
        bearer = (f'Bearer trusted_issuers="{EXCHANGE_ID}@{self.realm}", client_id="{SFB_ID}"'
                  if self.config.pool_trusts_exchange else f'Bearer client_id="{SFB_ID}"')
        msrtc = f'MsRtcOAuth href="https://{web}/WebTicket/oauthtoken",grant_type="{MSRTC_GRANT_TYPES}"'
        return _html(401, "401 - Unauthorized: Access is denied due to invalid credentials.",
                     "You do not have permission to view this directory or page using the credentials "
                     "that you supplied.", ("WWW-Authenticate", bearer), ("WWW-Authenticate", msrtc), *headers)

    def sfb_metadata(self, front_end: str) -> dict[str, Any]:
        """The pool's metadata exactly in the field guide's shape and key order (camel-case keyValue)."""
        oauth = self.certificates.oauth_by_front_end[front_end]
        return {"issuer": f"{SFB_ID}@{self.realm}",
                "keys": [{"keyValue": {"type": "x509Certificate", "value": oauth.base64_der}, "usage": "signing"}],
                "realm": self.realm, "serviceName": SFB_ID}

    def sfb_metadata_body(self, front_end: str) -> bytes:
        """The pool's metadata as served: the healthy document, or with the configured flaw inside.

        A 5,000-digit number and 100,000-deep nesting are written as text: json.dumps cannot make the
        first (the interpreter's digit limit) nor the second (its recursion limit).
        """
        document = self.sfb_metadata(front_end)
        flaw = self.config.pool_metadata_flaw
        if flaw == "wrong-types":
            key = document["keys"][0]["keyValue"]["value"]
            return json.dumps({**document, "keys": key, "realm": 42}, separators=(",", ":")).encode("utf-8")
        body = json.dumps(document, separators=(",", ":"))
        if flaw == "huge-number":
            body = body[:-1] + ',"version":' + "9" * 5000 + "}"
        elif flaw == "deep-nesting":
            body = body[:-1] + ',"extensions":' + "[" * 100_000 + "]" * 100_000 + "}"
        elif flaw:
            raise ValueError(f"unknown metadata flaw {flaw!r}")
        return body.encode("utf-8")

    # ------------------------------------------------------------------ Microsoft login and ACS
    def _microsoft(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        if request.host == ACS_HOST:
            return self._acs(request)
        parts = [p for p in request.path.split("/") if p]
        lowered = [p.lower() for p in parts]
        if lowered == ["getuserrealm.srf"]:
            return self._user_realm(request)
        if len(parts) >= 3 and lowered[-2:] == [".well-known", "openid-configuration"]:
            tenant, v2 = parts[0], lowered[1:-2] == ["v2.0"]
            if len(parts) != (4 if v2 else 3):
                return not_found()
            if tenant.lower() == "common":
                return _json(200, openid_configuration("{tenantid}", region=None, v2=v2))
            if tenant.lower() not in self.tenant_names:
                return self._invalid_tenant(tenant)
            return _json(200, openid_configuration(TENANT_ID, region=TENANT_REGION, v2=v2))
        return not_found()

    @staticmethod
    def _invalid_tenant(tenant: str) -> HttpResponse:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        description = (AADSTS90002.format(tenant=tenant) +
                       f"\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {stamp}")
        return _json(400, {"error": "invalid_tenant", "error_description": description, "error_codes": [90002],
                           "timestamp": stamp, "trace_id": trace, "correlation_id": correlation,
                           "error_uri": f"https://{LOGIN_HOST}/error?code=90002"})

    def _user_realm(self, request: HttpRequest) -> HttpResponse:
        login = request.param("login")
        domain = login.rpartition("@")[2].lower()
        managed = domain in self.tenant_names
        fields: dict[str, Any] = {"State": 4, "UserState": 1, "Login": login,
                                  "NameSpaceType": "Managed" if managed else "Unknown"}
        if managed:
            fields.update({"DomainName": domain, "FederationBrandName": "Contoso",
                           "CloudInstanceName": "microsoftonline.com",
                           "CloudInstanceIssuerUri": "urn:federation:MicrosoftOnline"})
        if request.param("xml") == "1":
            inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())
            if managed:
                inner += "<IsFederatedNS>false</IsFederatedNS>"
            body = f'<RealmInfo Success="true">{inner}</RealmInfo>'.encode()
            return HttpResponse(200, (("Content-Type", "text/xml; charset=utf-8"),), body)
        return _json(200, fields)

    def _acs(self, request: HttpRequest) -> HttpResponse:
        parts = [p for p in request.path.split("/") if p]
        signing = self.certificates.acs_signing
        assert signing is not None
        keys = [{"usage": "signing", "keyValue": {"type": "x509Certificate", "value": signing.base64_der}}]
        if [p.lower() for p in parts] == ["metadata", "json", "1"]:
            return _json(200, {"keys": keys, "endpoints": acs_endpoints("")})
        if len(parts) == 4 and [p.lower() for p in parts[1:]] == ["metadata", "json", "1"]:
            if parts[0].lower() not in self.tenant_names:
                return not_found()
            principal = f"{ACS_ID}@{TENANT_ID}"
            return _json(200, {"version": "1.0", "realm": TENANT_ID, "serviceName": ACS_ID, "issuer": principal,
                               "allowedAudiences": [principal], "keys": keys,
                               "endpoints": acs_endpoints(TENANT_ID)})
        return not_found()

    # ------------------------------------------------------------------ SfB Online
    def _sfb_online(self, machine: Machine, request: HttpRequest) -> HttpResponse:
        headers = (("X-MS-Server-Fqdn", "ch1a0web01.infra.lync.com"), ("X-Content-Type-Options", "nosniff"))
        if request.host in (SIPDIR, SIPFED):
            return not_found(*headers)
        path = _norm(request.path)
        root = path in ("/", AUTODISCOVER_SERVICE.lower())
        domain = request.param("originalDomain") or DOMAIN
        if request.host == WEBDIR and root:
            return _json(200, online_redirect_links(domain), *headers)
        if request.host == WEBDIR_POOL and root:
            return _json(200, discovery_links(WEBDIR_POOL, domain), *headers)
        if request.host == WEBDIR_POOL and path == f"{AUTODISCOVER_SERVICE}/oauth/user".lower():
            bearer = f'Bearer trusted_issuers="{ACS_ID}@*", client_id="{SFB_ID}"'
            msrtc = f'MsRtcOAuth href="https://{WEBDIR_POOL}/WebTicket/oauthtoken",grant_type="{MSRTC_GRANT_TYPES}"'
            return _html(401, "401 - Unauthorized", "Access is denied.", ("WWW-Authenticate", bearer),
                         ("WWW-Authenticate", msrtc), *headers)
        return not_found(*headers)


def discovery_links(web: str, domain: str) -> dict[str, Any]:
    """lyncdiscover's answer: where the Autodiscover root, the user resource and the XFrame live."""
    base = f"https://{web}{AUTODISCOVER_SERVICE}"
    return {"_links": {"self": {"href": f"{base}?originalDomain={domain}"},
                       "user": {"href": f"{base}/oauth/user?originalDomain={domain}"},
                       "xframe": {"href": f"https://{web}/Autodiscover/XFrame/XFrame.html"}}}


def online_redirect_links(domain: str) -> dict[str, Any]:
    """SfB Online's first answer: no user link yet, a redirect to the tenant's webdir pool instead."""
    return {"_links": {"self": {"href": f"https://{WEBDIR}{AUTODISCOVER_SERVICE}?originalDomain={domain}"},
                       "xframe": {"href": f"https://{WEBDIR_POOL}{AUTODISCOVER_SERVICE}/xframe"},
                       "redirect": {"href": f"https://{WEBDIR_POOL}{AUTODISCOVER_SERVICE}?originalDomain={domain}"}}}


def acs_endpoints(tenant: str) -> list[dict[str, str]]:
    base = f"https://{ACS_HOST}/{tenant}/" if tenant else f"https://{ACS_HOST}/"
    return [{"location": f"{base}tokens/OAuth/2", "protocol": "OAuth2", "usage": "issuance"},
            {"location": f"{base}tokens/delegation/1", "protocol": "DelegationIssuance1.0", "usage": "issuance"},
            {"location": f"{base}mgmt/delegation/1", "protocol": "DelegationManagement1.0", "usage": "management"}]


def openid_configuration(tenant: str, *, region: str | None, v2: bool) -> dict[str, Any]:
    """The OpenID discovery document of a tenant (v1 or v2.0 endpoint); the tenant GUID is in the
    issuer and every endpoint, which is how the wizard learns it without signing in."""
    base = f"https://{LOGIN_HOST}/{tenant}"
    oauth2 = f"{base}/oauth2/v2.0" if v2 else f"{base}/oauth2"
    document: dict[str, Any] = {
        "token_endpoint": f"{oauth2}/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{base}/discovery/v2.0/keys" if v2 else f"https://{LOGIN_HOST}/common/discovery/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"] if v2 else ["openid"],
        "issuer": f"{base}/v2.0" if v2 else f"https://sts.windows.net/{tenant}/",
        "authorization_endpoint": f"{oauth2}/authorize",
        "device_authorization_endpoint": f"{oauth2}/devicecode",
        "end_session_endpoint": f"{oauth2}/logout",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": region,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }
    if not v2:
        document["microsoft_multi_refresh_token"] = True
        document["userinfo_endpoint"] = f"{base}/openid/userinfo"
    return document
