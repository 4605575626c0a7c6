"""A small Contoso deployment served by real dnsmasq and nginx (Debian packages), for the probes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.probes.loopback import Issued, TestCA
from tests.thirdparty.servers import Dnsmasq, Nginx, Site, find
from wizard.policy import EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.scenario import Scenario

EXCHANGE_IP, FE1_IP, FE2_IP, RP_IP = "127.0.1.10", "127.0.1.21", "127.0.1.22", "127.0.1.30"
ACS_ID = "00000001-0000-0000-c000-000000000000"
USER_PATH = "/Autodiscover/AutodiscoverService.svc/root/oauth/user"


def _b64(issued: Issued) -> str:
    return base64.b64encode(issued.der).decode()


def _json(document: object) -> str:
    return f"default_type application/json; return 200 '{json.dumps(document, separators=(',', ':'))}';"


def _challenge(*values: str) -> str:
    headers = " ".join(f"add_header WWW-Authenticate '{v}' always;" for v in values)
    return f"{headers} return 401 'unauthorized';"


@dataclass
class Breakage:
    """What to break in the otherwise healthy deployment."""

    split_front_ends: bool = False
    no_metadata: bool = False
    srv_port: int = 443
    no_autodiscover_record: bool = False
    exchange_metadata_html: bool = False
    extra_hosts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RealDeployment:
    scenario: Scenario
    settings: ProbeSettings
    dnsmasq: Dnsmasq
    nginx: Nginx

    def context(self, **changes: object) -> ProbeContext:
        import dataclasses

        return ProbeContext(dataclasses.replace(self.settings, **changes))


def _scenario(oauth_file: Path) -> Scenario:
    scenario = Scenario()
    problems = scenario.update({
        "mode": "verify", "exchange": "server", "exchange_version": "2016", "sfb": "server", "sfb_version": "2019",
        "sip_domains": ["contoso.com"], "smtp_domain": "contoso.com", "exchange_fqdns": ["ex01.contoso.com"],
        "autodiscover_fqdn": "autodiscover.contoso.com", "pool_fqdns": ["pool01.contoso.com"],
        "oauth_certificate": str(oauth_file), "test_sip_uri": "sip:adele@contoso.com"})
    assert not problems
    scenario.require_valid()
    return scenario


@pytest.fixture(scope="session")
def real_ca() -> TestCA:
    return TestCA("Real Servers Test Root")


@pytest.fixture
def real_deployment(tmp_path: Path, real_ca: TestCA) -> Iterator[Callable[[Breakage], RealDeployment]]:
    if not find("dnsmasq") or not find("nginx"):
        pytest.skip("dnsmasq (package dnsmasq-base) and nginx (package nginx-light) are not installed")
    started: list[Dnsmasq | Nginx] = []

    def start(breakage: Breakage) -> RealDeployment:
        ca = real_ca
        oauth = ca.issue(["pool01.contoso.com"], subject="pool01.contoso.com", days=700, slot=4)
        other_oauth = ca.issue(["pool01.contoso.com"], subject="pool01.contoso.com", days=700, slot=5)
        auth = ca.issue([], subject="Microsoft Exchange Server Auth Certificate", days=1800, self_signed=True, slot=6)
        oauth_file = tmp_path / "oauth.cer"
        oauth_file.write_bytes(oauth.der)
        exchange_doc = {"name": "Exchange", "realm": "*", "serviceName": EXCHANGE_SERVICE_ID,
                        "issuer": f"{EXCHANGE_SERVICE_ID}@*",
                        "keys": [{"usage": "signing", "keyinfo": {"x5t": _x5t(auth)},
                                  "keyvalue": {"type": "x509Certificate", "value": _b64(auth)}}]}
        bearer_exchange = (f'Bearer client_id="{EXCHANGE_SERVICE_ID}", '
                           f'trusted_issuers="{ACS_ID}@*,{SFB_SERVICE_ID}@contoso.com", '
                           'token_types="app_asserted_user_v1 service_asserted_app_v1"')
        exchange_locations = {
            "/autodiscover/metadata/json/1": ("return 200 '<html><body>Sign in</body></html>';"
                                              if breakage.exchange_metadata_html else _json(exchange_doc)),
            "/autodiscover/autodiscover.xml": _challenge("Negotiate", "NTLM"),
            "/autodiscover/autodiscover.svc": _challenge("Negotiate", "NTLM", bearer_exchange),
            "/EWS/Exchange.asmx": _challenge("Negotiate", "NTLM", bearer_exchange),
            "/owa/": "add_header X-OWA-Version 15.1.2507.6 always; return 200 'owa';",
        }

        def front_end(address: str, name: str, certificate: Issued) -> Site:
            document = {"issuer": f"{SFB_SERVICE_ID}@contoso.com", "realm": "contoso.com",
                        "serviceName": SFB_SERVICE_ID,
                        "keys": [{"keyValue": {"type": "x509Certificate", "value": _b64(certificate)},
                                  "usage": "signing"}]}
            locations = {USER_PATH: _challenge(
                f'Bearer trusted_issuers="{EXCHANGE_SERVICE_ID}@contoso.com", client_id="{SFB_SERVICE_ID}"',
                'MsRtcOAuth href="https://pool01.contoso.com/WebTicket/oauthtoken",grant_type="password"')}
            if not breakage.no_metadata:
                locations["/metadata/json/1"] = _json(document)
            names = ["pool01.contoso.com", f"{name}.contoso.com", "sip.contoso.com"]
            return Site(address, names, ca.issue(names, slot=7), locations)

        discovery = {"_links": {"user": {
            "href": f"https://pool01.contoso.com{USER_PATH}?originalDomain=contoso.com"}}}
        sites = [
            Site(EXCHANGE_IP, ["ex01.contoso.com", "autodiscover.contoso.com"],
                 ca.issue(["ex01.contoso.com", "autodiscover.contoso.com"], slot=8), exchange_locations),
            front_end(FE1_IP, "fe01", oauth),
            front_end(FE2_IP, "fe02", other_oauth if breakage.split_front_ends else oauth),
            Site(RP_IP, ["lyncdiscover.contoso.com"], ca.issue(["lyncdiscover.contoso.com"], slot=8),
                 {"/": _json(discovery)}),
        ]
        web = Nginx(tmp_path / "nginx", sites)
        web.folder.mkdir()
        web.start()
        started.append(web)
        hosts = [("ex01.contoso.com", EXCHANGE_IP), ("pool01.contoso.com", FE1_IP), ("pool01.contoso.com", FE2_IP),
                 ("fe01.contoso.com", FE1_IP), ("fe02.contoso.com", FE2_IP), ("sip.contoso.com", FE1_IP),
                 ("sip.contoso.com", FE2_IP), ("lyncdiscover.contoso.com", RP_IP), *breakage.extra_hosts]
        cnames = [] if breakage.no_autodiscover_record else [("autodiscover.contoso.com", "ex01.contoso.com")]
        srv = [("_autodiscover._tcp.contoso.com", "autodiscover.contoso.com", breakage.srv_port, 0, 0),
               ("_sip._tls.contoso.com", "sip.contoso.com", 443, 0, 0),
               ("_sipfederationtls._tcp.contoso.com", "sip.contoso.com", 5061, 0, 0),
               ("_sipinternaltls._tcp.contoso.com", "pool01.contoso.com", 5061, 0, 0)]
        folder = tmp_path / "dnsmasq"
        folder.mkdir()
        resolver = Dnsmasq(folder, hosts, cnames, srv).start()
        started.append(resolver)
        ca_file = tmp_path / "ca.pem"
        ca_file.write_bytes(ca.pem)
        settings = ProbeSettings(nameserver=(resolver.address, resolver.port), ca_bundle=str(ca_file),
                                 https_port=web.port, sip_port=web.extra_ports[0], http_timeout=5)
        return RealDeployment(_scenario(oauth_file), settings, resolver, web)

    yield start
    for server in reversed(started):
        server.stop()


def _x5t(issued: Issued) -> str:
    from wizard.probes.formats.certificate import x5t_of

    return x5t_of(issued.der)
