"""DNS prerequisites: every named host resolves, and the SfB discovery records exist on one side.

With SfB Server on premises (alone or in a hybrid with Teams) the SfB DNS records all point on
premises; a lyncdiscover record that points there is also what keeps a hybrid tenant out of TeamsOnly
mode (Microsoft Learn, "Configure hybrid connectivity between Skype for Business Server and Teams",
"DNS implications for on-premises organizations that become hybrid"). A Teams-only tenant needs only
_sipfederationtls._tcp SRV 100 1 5061 sipfed.online.lync.com, for federation (Microsoft Learn,
"External Domain Name System records for Microsoft 365"); sip, lyncdiscover and _sip._tls are no
longer listed, and where they remain they must not point on premises. Records that exist but cannot work
count as problems too: an SRV target of "." (RFC 2782: the service is decidedly not available), an
SRV target without an address, an alias that loops or runs through too many CNAMEs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from wizard.probes.base import BaseProbe, Finding, Net, failed, passed, warned
from wizard.probes.context import ProbeContext
from wizard.probes.ids import RESOLVER as RESOLVER_ID
from wizard.probes.net.dns import AddressAnswer, DnsClient
from wizard.probes.net.errors import (
    CnameChainTooLongError,
    CnameLoopError,
    DnsError,
    NetError,
    NoAnswerError,
    NxDomainError,
    SrvNotAvailableError,
)
from wizard.probes.result import Evidence
from wizard.scenario import Scenario
from wizard.topology import Phase, SfbKind

ONLINE_SUFFIX = ".online.lync.com"


def sentence(text: str) -> str:
    """An error text as a verdict: capital first letter, one full stop."""
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def answer_evidence(answer: AddressAnswer, dns: DnsClient) -> list[Evidence]:
    """What a resolved name shows: the chain and addresses, the resolver, and TCP when UDP was truncated."""
    evidence = [Evidence("answer", answer.describe()), Evidence("resolver", dns.description)]
    if answer.over_tcp:
        evidence.append(Evidence("transport", answer.transport))
    return evidence


def dns_finding(finding: Finding, exc: NetError) -> Finding:
    """A helper failure as a DNS verdict: one sentence, and the error's own remediation when it has one."""
    remediation = exc.remediation or finding.remediation
    return dataclasses.replace(finding, detail=sentence(finding.detail), remediation=remediation)


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
            return failed(sentence(str(exc)), fix, Evidence("resolver", net.dns.description))
        except (CnameLoopError, CnameChainTooLongError) as exc:
            return failed(sentence(str(exc)), exc.remediation, Evidence("resolver", net.dns.description))
        return passed(f"{self.fqdn} resolves to {', '.join(answer.addresses)}.", *answer_evidence(answer, net.dns))

    def on_error(self, exc: NetError) -> Finding:
        return dns_finding(super().on_error(exc), exc)


@dataclass(frozen=True)
class _Expected:
    name: str
    kind: str  # "host" or "SRV"
    port: int = 0
    online_target: str = ""
    onprem_target: str = ""
    required: bool = True  # False: Teams-only tenants no longer need it (checked only when it exists)


@dataclass
class _Problems:
    """What is wrong with the SfB records, by kind, in the order the verdict names them."""

    missing: list[str]
    not_available: list[str]
    broken: list[str]  # whole sentences: an alias loop, an SRV target without address, …
    wrong_side: list[str]
    wrong_port: list[str]
    leftovers: list[str] = dataclasses.field(default_factory=list)  # Teams-only: old records pointing on premises

    def __bool__(self) -> bool:
        return any((self.missing, self.not_available, self.broken, self.wrong_side, self.wrong_port, self.leftovers))

    def texts(self) -> list[str]:
        texts = []
        if self.missing:
            texts.append(f"missing: {', '.join(self.missing)}")
        if self.not_available:
            texts.append(f"published as not available: {' and '.join(self.not_available)} "
                         f"{'have' if len(self.not_available) > 1 else 'has'} the SRV target \".\", which tells "
                         "clients the service is decidedly not available in this domain (RFC 2782), so they find no "
                         "server to sign in to")
        texts += [t.rstrip(".") for t in self.broken]
        if self.wrong_side:
            texts.append(f"pointing to the other side: {', '.join(self.wrong_side)}")
        if self.wrong_port:
            texts.append(f"wrong port: {', '.join(self.wrong_port)}")
        if self.leftovers:
            texts.append(f"left over from an on-premises deployment and still pointing there: "
                         f"{', '.join(self.leftovers)}")
        return texts


class SfbDnsRecordsProbe(BaseProbe):
    """With SfB Server: sip, lyncdiscover, _sip._tls, _sipfederationtls._tcp and _sipinternaltls._tcp exist, work
    and point on premises. Teams only: _sipfederationtls._tcp points to Microsoft 365, and the others, where
    they still exist, do not point on premises."""

    def __init__(self, scenario: Scenario) -> None:
        topo = scenario.topology_or_default
        self.phase = Phase.HYBRID if topo.involves_tenant else Phase.PREREQUISITES
        self.id = f"{self.phase.value}.sfb-dns"
        self.title = ("Teams DNS records point to Microsoft 365" if topo.sfb is SfbKind.TEAMS
                      else "Skype for Business DNS records point to one side")
        self.target = ", ".join(scenario.sip_domains)
        self.tags = ("dns", "sfb")

    def check(self, scenario: Scenario, ctx: ProbeContext) -> Finding:
        net = Net(ctx)
        topo = scenario.topology
        want_online = topo.sfb is SfbKind.TEAMS
        pool = scenario.pool_fqdns[0] if scenario.pool_fqdns else "<pool FQDN>"
        # Names another check resolves (prerequisites.dns:<name>) are not judged twice here.
        elsewhere = {fqdn.lower() for _, fqdn in scenario.all_fqdns()}
        evidence: list[Evidence] = []
        problems = _Problems([], [], [], [], [])
        online: list[str] = []
        onprem: list[str] = []
        for domain in scenario.sip_domains:
            legacy = not want_online  # Teams only: Microsoft no longer lists these three
            expected = [
                _Expected(f"sip.{domain}", "host", online_target="sipdir.online.lync.com",
                          onprem_target="the Access Edge (internally the Front End pool)", required=legacy),
                _Expected(f"lyncdiscover.{domain}", "host", online_target="webdir.online.lync.com",
                          onprem_target="the reverse proxy", required=legacy),
                _Expected(f"_sip._tls.{domain}", "SRV", 443, "sipdir.online.lync.com", f"sip.{domain}",
                          required=legacy),
                _Expected(f"_sipfederationtls._tcp.{domain}", "SRV", 5061, "sipfed.online.lync.com", f"sip.{domain}"),
            ]
            if not want_online:
                expected.append(_Expected(f"_sipinternaltls._tcp.{domain}", "SRV", 5061, "", pool))
            hosts = {item.name for item in expected if item.kind == "host"}
            for item in expected:
                ctx.check()
                try:
                    if item.kind == "SRV":
                        records = net.dns.srv(item.name)
                        target = records[0].target
                        shown = "; ".join(str(r) for r in records)
                        if any(r.port != item.port for r in records):
                            problems.wrong_port.append(f"{item.name} (port {records[0].port}, expected {item.port})")
                        for record in {r.target: r for r in records}.values():
                            # Microsoft's documented target is Microsoft's to resolve: this PC's resolver
                            # not knowing it says nothing about the organisation's records.
                            if (record.target not in hosts and record.target not in elsewhere
                                    and record.target != item.online_target):
                                try:
                                    net.dns.srv_target(item.name, record)
                                except DnsError as exc:
                                    if not exc.finding:
                                        raise
                                    problems.broken.append(str(exc))
                    else:
                        answer = net.dns.addresses(item.name)
                        target = answer.canonical
                        shown = answer.describe()
                except (NxDomainError, NoAnswerError):
                    if not item.required:
                        evidence.append(Evidence(item.name, "absent (not needed for a Teams-only tenant)"))
                        continue
                    problems.missing.append(item.name)
                    evidence.append(Evidence(item.name, "missing"))
                    continue
                except SrvNotAvailableError:
                    problems.not_available.append(item.name)
                    evidence.append(Evidence(item.name, 'SRV target "." (not available)'))
                    continue
                except DnsError as exc:
                    if not exc.finding:  # timed out or a bad answer: not a verdict about the records
                        raise
                    problems.broken.append(str(exc))
                    evidence.append(Evidence(item.name, "does not resolve"))
                    continue
                points_online = target.endswith(ONLINE_SUFFIX)
                if not item.required and not points_online:
                    problems.leftovers.append(item.name)
                else:
                    (online if points_online else onprem).append(item.name)
                evidence.append(Evidence(item.name, shown))
        side = "Microsoft 365" if want_online else "the on-premises deployment"
        problems.wrong_side = onprem if want_online else online
        if not problems:
            if want_online:
                return passed("_sipfederationtls._tcp points to Microsoft 365 (sipfed.online.lync.com), the one SfB "
                              "record a Teams-only tenant needs (Microsoft Learn, \"External Domain Name System "
                              "records for Microsoft 365\"); no other record points on premises.", *evidence)
            return passed(f"All SfB DNS records exist and point to {side}.", *evidence)
        if want_online:
            fix = ("A Teams-only tenant needs _sipfederationtls._tcp SRV 100 1 5061 sipfed.online.lync.com for "
                   "federation (Microsoft Learn, \"External Domain Name System records for Microsoft 365\"). Delete "
                   "sip, lyncdiscover and _sip._tls records that still point to retired on-premises servers: "
                   "Microsoft no longer lists them for Teams-only tenants, and a lyncdiscover record that points "
                   "anywhere but Microsoft 365 makes the tenant lose TeamsOnly mode when it is re-provisioned "
                   "(Microsoft Learn, \"Configure hybrid connectivity between Skype for Business Server and Teams\", "
                   "\"DNS implications for on-premises organizations that become hybrid\").")
            if problems.leftovers and not (problems.missing or problems.not_available or problems.broken
                                           or problems.wrong_side or problems.wrong_port) and not any(
                    n.startswith("lyncdiscover.") for n in problems.leftovers):
                return warned("The Teams DNS records work, but " + "; ".join(problems.texts()) + ".", fix,
                              *evidence)
        else:
            fix = ("Point every record on premises: sip and lyncdiscover A records for the Edge / reverse proxy "
                   "(internally the pool), _sip._tls SRV port 443 and _sipfederationtls._tcp SRV port 5061 to "
                   f"sip.<domain>, _sipinternaltls._tcp SRV port 5061 to {pool}.")
        if problems.not_available:
            fix += (' Replace the SRV records whose target is "." with these (a "." target is only right where the '
                    "service really does not exist).")
        if problems.broken:
            fix += (" Every SRV target needs an address (an A record, or a CNAME that ends in one), and an alias must "
                    "end in an A record without loops.")
        lead = ("The Teams DNS records are not right" if want_online
                else f"The SfB DNS records must all point to {side}")
        return failed(f"{lead}; " + "; ".join(problems.texts()) + ".",
                      fix, *evidence)

    def on_error(self, exc: NetError) -> Finding:
        return dns_finding(super().on_error(exc), exc)


__all__ = ["RESOLVER_ID", "ResolvesProbe", "SfbDnsRecordsProbe", "answer_evidence", "dns_finding", "sentence"]
