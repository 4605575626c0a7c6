"""The root of every DNS check: the DNS server the run asks answers at all.

When the chosen (or the system's) DNS server is silent, every name would time out one by one; this
check asks once, for the SOA record of the scenario's own domain, and every DNS-based check depends
on it, so a silent server reads as one problem, with the server's address.
"""

from __future__ import annotations

from wizard import where_to
from wizard.probes import ids
from wizard.probes.base import BaseProbe, Finding, Net, failed, passed
from wizard.probes.context import ProbeContext
from wizard.probes.net.errors import DnsTimeoutError, NoAnswerError, NxDomainError, ServfailError
from wizard.probes.result import Cause, Evidence, Status, Subject, SubjectKind
from wizard.scenario import Scenario
from wizard.topology import Phase


def probe_domain(scenario: Scenario) -> str:
    """The zone to ask about: the mail domain, else the SIP domain, the tenant domain or a host's parent."""
    for name in (scenario.smtp_domain, *scenario.sip_domains, scenario.tenant_domain):
        if name:
            return name.rstrip(".").lower()
    for _, fqdn in scenario.all_fqdns():
        if "." in fqdn:
            return fqdn.split(".", 1)[1].lower()
    return "microsoft.com"


class ResolverProbe(BaseProbe):
    """The DNS server answers a query for the scenario's own zone within the deadline."""

    phase = Phase.PREREQUISITES
    title = "The DNS server answers"

    def __init__(self, scenario: Scenario) -> None:
        self.id = ids.RESOLVER
        self.domain = probe_domain(scenario)
        self.target = self.domain
        self.tags = ("dns",)
        self.subjects = (Subject(SubjectKind.DOMAIN, self.domain),)

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        server = net.dns.description
        evidence = [Evidence("resolver", server), Evidence("query", f"{self.domain} SOA")]
        try:
            answer = net.dns.records(self.domain, "SOA")
        except DnsTimeoutError:
            return Finding(Status.ERROR,
                           f"The DNS server {server} does not answer: no reply to a query for {self.domain} within "
                           f"{ctx.settings.dns_timeout:g} s. Every check that needs a DNS answer waits for this one.",
                           "Check that the DNS server is running and reachable from this machine on UDP and TCP "
                           f"53 (firewalls, VPN), or ask another DNS server with {where_to.RESOLVER}.",
                           tuple(evidence), cause=Cause.TIMEOUT)
        except ServfailError as exc:
            return failed(f"The DNS server {server} cannot answer for {self.domain}: {exc}",
                          "Check that the zone is loaded and healthy on that server, and its forwarders, "
                          "delegation and DNSSEC signatures.", *evidence)
        except (NxDomainError, NoAnswerError) as exc:
            return passed(f"The DNS server {server} answers (for {self.domain}: {exc}).", *evidence)
        return passed(f"The DNS server {server} answers for {self.domain}.",
                      *evidence, Evidence("SOA", str(answer[0]) if len(answer) else ""))
