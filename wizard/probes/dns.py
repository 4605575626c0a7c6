"""DNS prerequisites: every named host resolves, and the SfB discovery records exist on one side.

Seed 002: with Skype for Business Online only, the SfB DNS records all point to SfB Online; with an
on-premises or hybrid deployment they all point on premises.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.probes.base import BaseProbe, Finding, Net, failed, passed
from wizard.probes.context import ProbeContext
from wizard.probes.net.errors import DnsError, NoAnswerError, NxDomainError
from wizard.probes.result import Evidence, Status
from wizard.scenario import Scenario
from wizard.topology import Phase, SfbKind

ONLINE_SUFFIX = ".online.lync.com"


class ResolvesProbe(BaseProbe):
    """One host name the scenario uses resolves through the chosen resolver."""

    phase = Phase.PREREQUISITES

    def __init__(self, role: str, fqdn: str) -> None:
        self.role, self.fqdn = role, fqdn
        self.id = f"prerequisites.dns:{fqdn}"
        self.title = f"{role} {fqdn} resolves in DNS"
        self.target = fqdn
        self.tags = ("dns", f"host:{fqdn}")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        try:
            answer = net.dns.addresses(self.fqdn)
        except (NxDomainError, NoAnswerError) as exc:
            if self.role == "Autodiscover":
                from wizard.probes.autodiscover import autodiscover_record_fix

                fix = autodiscover_record_fix(scenario)
            else:
                fix = f"Create an A record (or a CNAME to one) for {self.fqdn} in the zone the servers use."
            return failed(str(exc), fix, Evidence("resolver", net.dns.description))
        return passed(f"{self.fqdn} resolves to {', '.join(answer.addresses)}.",
                      Evidence("answer", answer.describe()), Evidence("resolver", net.dns.description))


@dataclass(frozen=True)
class _Expected:
    name: str
    kind: str  # "host" or "SRV"
    port: int = 0
    online_target: str = ""
    onprem_target: str = ""


class SfbDnsRecordsProbe(BaseProbe):
    """sip, lyncdiscover, _sip._tls and _sipfederationtls._tcp exist and all point to the same side."""

    def __init__(self, scenario: Scenario) -> None:
        topo = scenario.topology_or_default
        self.phase = Phase.HYBRID if topo.involves_tenant else Phase.PREREQUISITES
        self.id = f"{self.phase.value}.sfb-dns"
        self.title = "Skype for Business DNS records point to one side"
        self.target = ", ".join(scenario.sip_domains)
        self.tags = ("dns", "sfb")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        topo = scenario.topology
        want_online = topo.sfb is SfbKind.ONLINE
        pool = scenario.pool_fqdns[0] if scenario.pool_fqdns else "<pool FQDN>"
        evidence: list[Evidence] = []
        missing: list[str] = []
        online: list[str] = []
        onprem: list[str] = []
        wrong_port: list[str] = []
        for domain in scenario.sip_domains:
            expected = [
                _Expected(f"sip.{domain}", "host", online_target="sipdir.online.lync.com",
                          onprem_target="the Access Edge (internally the Front End pool)"),
                _Expected(f"lyncdiscover.{domain}", "host", online_target="webdir.online.lync.com",
                          onprem_target="the reverse proxy"),
                _Expected(f"_sip._tls.{domain}", "SRV", 443, "sipdir.online.lync.com", f"sip.{domain}"),
                _Expected(f"_sipfederationtls._tcp.{domain}", "SRV", 5061, "sipfed.online.lync.com", f"sip.{domain}"),
            ]
            if not want_online:
                expected.append(_Expected(f"_sipinternaltls._tcp.{domain}", "SRV", 5061, "", pool))
            for item in expected:
                ctx.check()
                try:
                    if item.kind == "SRV":
                        records = net.dns.srv(item.name)
                        target = records[0].target
                        shown = "; ".join(str(r) for r in records)
                        if any(r.port != item.port for r in records):
                            wrong_port.append(f"{item.name} (port {records[0].port}, expected {item.port})")
                    else:
                        answer = net.dns.addresses(item.name)
                        target = answer.canonical
                        shown = answer.describe()
                except (NxDomainError, NoAnswerError):
                    missing.append(item.name)
                    evidence.append(Evidence(item.name, "missing"))
                    continue
                except DnsError as exc:
                    return Finding(Status.ERROR, f"Could not look up {item.name}: {exc}",
                                   "Check the DNS server; the records could not be read.", tuple(evidence))
                (online if target.endswith(ONLINE_SUFFIX) else onprem).append(item.name)
                evidence.append(Evidence(item.name, shown))
        side = "Skype for Business Online" if want_online else "the on-premises deployment"
        wrong = onprem if want_online else online
        if missing or wrong or wrong_port:
            problems = []
            if missing:
                problems.append(f"missing: {', '.join(missing)}")
            if wrong:
                problems.append(f"pointing to the other side: {', '.join(wrong)}")
            if wrong_port:
                problems.append(f"wrong port: {', '.join(wrong_port)}")
            if want_online:
                fix = ("Point every record to SfB Online: _sip._tls SRV 100 1 443 sipdir.online.lync.com, "
                       "_sipfederationtls._tcp SRV 100 1 5061 sipfed.online.lync.com, sip CNAME "
                       "sipdir.online.lync.com, lyncdiscover CNAME webdir.online.lync.com.")
            else:
                fix = ("Point every record on premises: sip and lyncdiscover A records for the Edge / reverse proxy "
                       "(internally the pool), _sip._tls SRV port 443 and _sipfederationtls._tcp SRV port 5061 to "
                       f"sip.<domain>, _sipinternaltls._tcp SRV port 5061 to {pool}.")
            return failed(f"The SfB DNS records must all point to {side} (seed 002); " + "; ".join(problems) + ".",
                          fix, *evidence)
        return passed(f"All SfB DNS records exist and point to {side}.", *evidence)
