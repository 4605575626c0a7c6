"""Autodiscover: the name leads to Exchange, the SRV record is right, both endpoints answer as Exchange,
and the .svc URL Skype for Business is configured with works (the field guide's .xml-vs-.svc trap).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from wizard.playbook import commands as cmd
from wizard.playbook.snippets import zone_and_name
from wizard.probes.base import FRONT_END, BaseProbe, Finding, Net, failed, passed, warned
from wizard.probes.context import ProbeContext
from wizard.probes.dns import dns_finding
from wizard.probes.formats.autodiscover import SOAP_ACTION, judge, pox_request, soap_request
from wizard.probes.net.dns import select_srv
from wizard.probes.net.errors import (
    NetError,
    NoAnswerError,
    NxDomainError,
    SrvNotAvailableError,
    SrvTargetNoAddressError,
)
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase

# Where the records are described: the public field guide, by its title and section.
_DNS_SECTION = "Jeff Schertz's \"Exchange and Skype for Business Integration\" (2015), section 'Create DNS Records'"


def set_url_fix(scenario: Scenario) -> str:
    """The command that points SfB at the .svc URL, and the playbook step that runs it."""
    return (cmd.set_cs_oauth_configuration(exchange_autodiscover_url=scenario.oauth_autodiscover_url)
            + cmd.done_by(scenario, "oauth.exchange-autodiscover-url"))


def _zones(scenario: Scenario) -> list[str]:
    return [scenario.smtp_domain, *scenario.sip_domains]


def probe_address(scenario: Scenario) -> str:
    """A mailbox-shaped address for the unauthenticated requests (the test user's, when known)."""
    user = scenario.test_sip_uri.removeprefix("sip:").partition("@")[0] if scenario.test_sip_uri else ""
    return f"{user or 'autodiscover-probe'}@{scenario.smtp_domain or scenario.default_sip_domain}"


def autodiscover_record_fix(scenario: Scenario) -> str:
    """The record to create for the autodiscover name (also said when the name does not resolve at all)."""
    name = scenario.effective_autodiscover_fqdn
    target = scenario.exchange_service_fqdn
    if not (name and target):
        return (f"Create a CNAME record {name or 'autodiscover.<domain>'} -> the Exchange server ({_DNS_SECTION}), "
                "or an A record for the Exchange load balancer.")
    zone, host = zone_and_name(name, _zones(scenario))
    return (f"Create a CNAME record {name} -> {target} ({_DNS_SECTION}), or an A record for "
            f"the Exchange load balancer. On a Windows DNS server: {cmd.add_dns_cname(zone, host, target)}"
            + cmd.done_by(scenario, "autodiscover.dns-cname") + ".")


class AutodiscoverDnsProbe(BaseProbe):
    """autodiscover.<domain> resolves (CNAME or A) toward an Exchange server."""

    phase = Phase.AUTODISCOVER
    caller = FRONT_END

    def __init__(self, scenario: Scenario) -> None:
        self.id = "autodiscover.dns"
        self.title = "The autodiscover name points to Exchange"
        self.target = scenario.effective_autodiscover_fqdn
        self.tags = ("dns", "autodiscover")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        name = self.target
        fix = autodiscover_record_fix(scenario)
        try:
            answer = net.dns.addresses(name)
        except (NxDomainError, NoAnswerError) as exc:
            return failed(str(exc), fix, Evidence("resolver", net.dns.description))
        evidence = [Evidence("answer", answer.describe()), Evidence("resolver", net.dns.description)]
        servers = {s.lower() for s in scenario.exchange_fqdns}
        if any(c in servers for c in answer.cnames):
            return passed(f"{name} is an alias of Exchange ({answer.describe()}).", *evidence)
        exchange_addresses: set[str] = set()
        for server in scenario.exchange_fqdns:
            try:
                exchange_addresses.update(net.dns.addresses(server).addresses)
            except NetError:
                continue
        if exchange_addresses & set(answer.addresses):
            return passed(f"{name} resolves to an Exchange server's address ({answer.describe()}).", *evidence)
        return warned(f"{name} resolves to {', '.join(answer.addresses)}, which is not the address of any Exchange "
                      f"server named in the scenario ({', '.join(scenario.exchange_fqdns)}).",
                      "Fine if that is the Exchange load balancer; otherwise " + fix[0].lower() + fix[1:], *evidence)


    def on_error(self, exc: NetError) -> Finding:
        return dns_finding(super().on_error(exc), exc)


class AutodiscoverSrvProbe(BaseProbe):
    """_autodiscover._tcp.<domain> SRV: the record a client picks (RFC 2782) has port 443 and the autodiscover name."""

    phase = Phase.AUTODISCOVER

    def __init__(self, scenario: Scenario) -> None:
        domain = scenario.smtp_domain or scenario.default_sip_domain
        self.id = "autodiscover.srv"
        self.title = "The autodiscover SRV record points to the autodiscover name"
        self.target = f"_autodiscover._tcp.{domain}"
        self.tags = ("dns", "autodiscover")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        name = scenario.effective_autodiscover_fqdn
        zone, host = zone_and_name(self.target, [scenario.smtp_domain or scenario.default_sip_domain])
        fix = (f"Create an SRV record {self.target}: priority 0, weight 0, port 443, target {name} ({_DNS_SECTION}; "
               f"nslookup -q=srv {self.target} shows it). On a Windows DNS server: "
               + cmd.add_dns_srv(zone, host, name, priority=0, weight=0, port=443)
               + cmd.done_by(scenario, "autodiscover.dns-srv") + ".")
        try:
            records = net.dns.srv(self.target)
        except (NxDomainError, NoAnswerError):
            return warned(f"There is no {self.target} SRV record. Clients that do not find {name} directly have no "
                          "fallback.", fix, Evidence("resolver", net.dns.description))
        except SrvNotAvailableError as exc:
            return failed(f"{exc}: clients that do not find {name} directly are told there is no autodiscover "
                          "service in this domain.", fix, Evidence("resolver", net.dns.description))
        best = select_srv(records)
        assert best is not None
        evidence = [Evidence("records", "; ".join(str(r) for r in records)),
                    Evidence("chosen (lowest priority, then weight)", str(best))]
        problems = []
        if best.port != 443:
            problems.append(f"port {best.port}, not 443")
        if best.target.lower() != name.lower():
            problems.append(f"target {best.target}, not {name}")
            # The autodiscover name's own address is prerequisites.dns:<name>'s to judge; another target's is ours.
            try:
                net.dns.srv_target(self.target, best)
            except SrvTargetNoAddressError:
                problems[-1] += ", a name that has no address in DNS"
        if problems:
            return failed(f"The SRV record clients use first ({best}) has " + " and ".join(problems) + ".", fix,
                          *evidence)
        return passed(f"{self.target} points to {name} on port 443.", *evidence)

    def on_error(self, exc: NetError) -> Finding:
        return dns_finding(super().on_error(exc), exc)


class AutodiscoverEndpointProbe(BaseProbe):
    """https://AUTODISCOVER/autodiscover/autodiscover.xml (POX) or .svc (SOAP) answers as Exchange does."""

    phase = Phase.AUTODISCOVER
    caller = FRONT_END

    def __init__(self, scenario: Scenario, kind: str) -> None:
        self.kind = kind
        self.id = f"autodiscover.{kind}"
        self.title = f"Autodiscover answers at autodiscover.{kind}"
        self.target = f"https://{scenario.effective_autodiscover_fqdn}/autodiscover/autodiscover.{kind}"
        self.tags = ("http", "autodiscover")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        return answers_as_autodiscover(Net(ctx), self.target, self.kind, scenario)


def answers_as_autodiscover(net: Net, url: str, kind: str, scenario: Scenario) -> Finding:
    email = probe_address(scenario)
    if kind == "svc":
        body = soap_request(email, url)
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'}
    else:
        body = pox_request(email)
        headers = {"Content-Type": "text/xml; charset=utf-8"}
    response = net.http.fetch(url, method="POST", headers=headers, body=body)
    verdict = judge(response)
    evidence = [Evidence("answer", f"HTTP {response.status} {response.reason}".rstrip()),
                Evidence("address", response.address)]
    evidence += [Evidence(f"WWW-Authenticate {i}", v)
                 for i, v in enumerate(response.header_all("WWW-Authenticate")[:4], 1)]
    if response.header("X-FEServer"):
        evidence.append(Evidence("X-FEServer", response.header("X-FEServer") or ""))
    evidence += [Evidence(f"redirect {i}", hop) for i, hop in enumerate(response.trail, 1)]
    if response.untrusted:
        evidence.append(Evidence("TLS", f"accepted although untrusted: {response.untrusted}"))
    if not verdict.present:
        return failed(f"{url} {verdict.how}.",
                      "Make the autodiscover name reach the Exchange Client Access services (DNS, load balancer, "
                      "reverse proxy) and check the Autodiscover virtual directory: Get-AutodiscoverVirtualDirectory "
                      "| Format-List Server,InternalUrl,ExternalUrl.", *evidence)
    if response.untrusted:
        return warned(f"{url} {verdict.how}, but only because untrusted certificates were accepted.",
                      "Install the issuing CA on the Front End servers or use a certificate from a trusted CA.",
                      *evidence)
    return passed(f"{url} {verdict.how}.", *evidence)


class OAuthAutodiscoverUrlProbe(BaseProbe):
    """The ExchangeAutodiscoverUrl SfB will use: well formed .svc URL, resolves, answers as Exchange."""

    phase = Phase.OAUTH
    caller = FRONT_END

    def __init__(self, scenario: Scenario) -> None:
        self.id = "oauth.autodiscover-url"
        self.title = "SfB's ExchangeAutodiscoverUrl is the working .svc endpoint"
        self.target = scenario.oauth_autodiscover_url
        self.tags = ("oauth", "autodiscover")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        url = scenario.oauth_autodiscover_url
        parts = urlsplit(url)
        command = set_url_fix(scenario)
        evidence = [Evidence("ExchangeAutodiscoverUrl", url)]
        if parts.scheme != "https" or not parts.hostname:
            return failed(f"{url} is not an https:// URL.", command, *evidence)
        if not parts.path.lower().endswith("/autodiscover/autodiscover.svc"):
            return failed(f"{url} does not end in /autodiscover/autodiscover.svc; Skype for Business calls the SOAP "
                          "service (code=50043 otherwise).", command, *evidence)
        reached = answers_as_autodiscover(Net(ctx), url, "svc", scenario)
        evidence += list(reached.evidence)
        if reached.status is not Status.PASS:
            return Finding(reached.status, reached.detail, reached.remediation + " Then " + command + ".",
                           tuple(evidence))
        corrections = scenario.corrections()
        if corrections:
            return warned(" ".join(corrections), f"Configure SfB with the corrected URL: {command}", *evidence)
        return passed(f"{url} is well formed and answers as Exchange Autodiscover.", *evidence)
