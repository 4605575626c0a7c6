"""Read discovery's answers into a scenario: which products run where, their names, and where each came from.

The rules follow what each product publishes (Microsoft's DNS requirements for SfB Server and Exchange, and
Microsoft 365's public endpoints): an internal SIP SRV record or a lyncdiscover answer on the organisation's
own servers means SfB Server; records pointing at *.online.lync.com, or a tenant and no SfB Server record,
mean Teams; Exchange Online's Autodiscover v2 answering for the mailbox means it is in Exchange Online.
What cannot be seen from outside (SfB Server's version, the OAuth certificate file) is said so, never guessed
silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard import where_to
from wizard.discovery.lookups import Lookup, Lookups
from wizard.discovery.query import Query
from wizard.microsoft_online import is_microsoft_online
from wizard.probes.result import Cause, Evidence, ProbeResult, Status
from wizard.run_document import DiscoveredValue
from wizard.topology import ExchangeKind, Phase, SfbKind
from wizard.where_to import give


@dataclass(frozen=True)
class Decision:
    """What discovery concluded: the values (each with its source), the scenario's kinds, and its results."""

    values: dict[str, str | list[str]]
    discovered: tuple[DiscoveredValue, ...]
    notes: tuple[str, ...]
    results: tuple[ProbeResult, ...]  # discovery.exchange and discovery.sfb: found, not found, or not checked
    complete: bool  # both products were found (or given): the verification can run


def _own(lookup: Lookup | None) -> str:
    """The first host a lookup found that is the organisation's own (not Microsoft 365's)."""
    if lookup is None:
        return ""
    return next((f.value for f in lookup.found if not is_microsoft_online(f.value)), "")


def _errored(*lookups: Lookup | None, results: dict[str, ProbeResult]) -> list[ProbeResult]:
    return [results[p.id] for p in lookups if p is not None and p.id in results and results[p.id].status in
            (Status.ERROR, Status.NOT_RUN, Status.BLOCKED)]


def _result(rid: str, status: Status, title: str, detail: str, remediation: str = "", *,
            blocked: list[ProbeResult] | None = None, evidence: tuple[Evidence, ...] = ()) -> ProbeResult:
    cause = {Status.FAIL: Cause.FINDING, Status.BLOCKED: Cause.BLOCKED}.get(status)
    return ProbeResult(rid, Phase.PREREQUISITES, status, title, detail, remediation, evidence, cause=cause,
                       blocked_by=tuple(r.id for r in blocked or ()), tags=("discovery",))


def decide(query: Query, lookups: Lookups, results: dict[str, ProbeResult], given: dict[str, object]) -> Decision:
    """`results` by id from the lookups' run; `given` the values the admin typed (they win over discovery)."""
    d = query.domain
    values: dict[str, str | list[str]] = {"mode": "verify", "sip_domains": [d], "smtp_domain": d}
    found: list[DiscoveredValue] = [DiscoveredValue("sip_domains", d, f"the domain of {query.text}"),
                                    DiscoveredValue("smtp_domain", d, f"the domain of {query.text}")]
    notes: list[str] = []

    def keep(field: str, value: str | list[str], source: str) -> None:
        values[field] = value
        shown = ", ".join(value) if isinstance(value, list) else value
        found.append(DiscoveredValue(field, shown, source))

    if query.address:
        keep("test_sip_uri", query.sip_uri, f"the address given ({query.text}); the SIP address is assumed to "
                                             f"be the SMTP address ({give('test_sip_uri')} if it differs)")
        keep("test_mailbox", query.address, "the address given")
    tenant = lookups.tenant
    if tenant.tenant_id:
        keep("tenant_domain", d, tenant.found[0].source)
        keep("tenant_id", tenant.tenant_id, tenant.found[0].source)
    elif tenant.why_none:
        notes.append(f"{d} is in no Microsoft 365 tenant ({tenant.why_none.splitlines()[0][:160]}): checked without "
                     f"Teams or Exchange Online; if the organisation uses them, {give('tenant_domain')} (and "
                     f"{give('sfb', 'hybrid')}) to check that side.")
    elif _errored(tenant, results=results):
        notes.append(f"Whether {d} is in a Microsoft 365 tenant could not be looked up: this PC did not reach "
                     "Microsoft 365 (see the root causes). Checked without Teams or Exchange Online; check again "
                     f"once this PC reaches Microsoft 365 (through its proxy, or one given with {where_to.PROXY}), "
                     f"or {give('tenant_domain')} (and {give('sfb', 'hybrid')}) to check that side.")

    # Exchange
    auto, srv = lookups.autodiscover, lookups.autodiscover_srv
    online_box = lookups.online_mailbox is not None and lookups.online_mailbox.in_online
    exchange_host = auto.canonical if auto.canonical and not is_microsoft_online(auto.canonical) else ""
    exchange_source = f"{auto.name} CNAME {auto.canonical}" if exchange_host and exchange_host != auto.name else ""
    if not exchange_host:
        exchange_host, exchange_source = _own(lookups.exchange_v2), (
            lookups.exchange_v2.found[0].source if lookups.exchange_v2 and lookups.exchange_v2.found else "")
    if not exchange_host and auto.found and not is_microsoft_online(auto.canonical or auto.name):
        exchange_host, exchange_source = auto.name, auto.found[0].source
    exchange_kind = ""
    if exchange_host:
        keep("exchange_fqdns", [exchange_host], exchange_source)
        keep("autodiscover_fqdn", auto.name if auto.found else _own(srv) or exchange_host,
             auto.found[0].source if auto.found else (srv.found[0].source if srv.found else exchange_source))
        exchange_kind = ExchangeKind.HYBRID.value if online_box else ExchangeKind.SERVER.value
        if not online_box:
            notes.append("Exchange was checked as Exchange Server; if some mailboxes are in Exchange Online, "
                         f"{give('exchange', 'hybrid')}.")
    elif online_box or (auto.canonical and is_microsoft_online(auto.canonical)):
        exchange_kind = ExchangeKind.ONLINE.value
    if exchange_kind:
        why = ("Exchange Online answers Autodiscover v2 for the mailbox" if online_box
               else f"autodiscover leads to {exchange_host or auto.canonical}")
        found.append(DiscoveredValue("exchange", exchange_kind, why))
        values["exchange"] = exchange_kind
    build = lookups.owa_version.build
    if build is not None and exchange_kind != ExchangeKind.ONLINE.value:
        keep("exchange_version", build.version.value, lookups.owa_version.found[0].source)
    elif exchange_host:
        notes.append("Exchange's version could not be read from its answers; checked as Exchange Server SE "
                     f"({give('exchange_version')}).")

    # Skype for Business Server or Teams
    pool = _own(lookups.sip_internal) or _own(lookups.lyncdiscover_internal_answer)
    external_web = _own(lookups.lyncdiscover_answer)
    sip_records = [lookups.sip_internal, lookups.sip_external, lookups.sip_federation, lookups.lyncdiscover]
    points_online = any(is_microsoft_online(f.value) for p in sip_records for f in p.found) or is_microsoft_online(
        lookups.lyncdiscover.canonical)
    sfb_kind = ""
    if pool:
        source = (lookups.sip_internal.found[0].source if _own(lookups.sip_internal)
                  else lookups.lyncdiscover_internal_answer.found[0].source)
        keep("pool_fqdns", [pool], source)
        sfb_kind = SfbKind.HYBRID.value if tenant.tenant_id else SfbKind.SERVER.value
        if external_web and tenant.tenant_id:
            keep("pool_external_web_fqdns", [external_web], lookups.lyncdiscover_answer.found[0].source)
        if tenant.tenant_id:
            notes.append("SfB Server with a Microsoft 365 tenant was checked as SfB Server with Teams (hybrid); "
                         f"{give('sfb', 'server')} if no user is in Teams.")
        notes.append(f"SfB Server's version cannot be seen from outside; checked as SfB Server SE "
                     f"({give('sfb_version')}).")
    elif tenant.tenant_id or points_online:
        sfb_kind = SfbKind.TEAMS.value
    if sfb_kind:
        why = (f"_sipinternaltls / lyncdiscoverinternal lead to {pool}" if pool else
               "the SIP records point at Microsoft 365" if points_online else
               f"{d} is in a Microsoft 365 tenant and publishes no SfB Server record")
        found.append(DiscoveredValue("sfb", sfb_kind, why))
        values["sfb"] = sfb_kind
    dc = _own(lookups.domain_controllers)
    if dc:
        keep("dc_fqdn", dc, lookups.domain_controllers.found[0].source)
    if exchange_kind == ExchangeKind.SERVER.value and sfb_kind == SfbKind.TEAMS.value:
        keep("verified_domain", d, f"the domain of {query.text}")

    exchange_known = bool(exchange_kind) or "exchange" in given
    sfb_known = bool(sfb_kind) or "sfb" in given
    decided = [
        _judge("discovery.exchange", "Find Exchange for the address", exchange_known,
               f"Exchange: {values.get('exchange', given.get('exchange'))}" + (f" at {exchange_host}" if exchange_host
                                                                               else ""),
               f"No Exchange was found for {d}: {auto.name} is not published and Exchange Online does not know the "
               "mailbox.", "Publish autodiscover for the domain (Microsoft's Exchange DNS requirements), or "
               f"{give('exchange')} and {give('exchange_fqdns')} to check it anyway.",
               _errored(auto, srv, lookups.exchange_v2, lookups.online_mailbox, results=results)),
        _judge("discovery.sfb", "Find Skype for Business Server or Teams for the address", sfb_known,
               f"Skype for Business / Teams: {values.get('sfb', given.get('sfb'))}"
               + (f", pool {pool}" if pool else ""),
               f"No Skype for Business Server and no Microsoft 365 tenant was found for {d}: no _sipinternaltls._tcp, "
               "lyncdiscover or lyncdiscoverinternal record, and the domain is in no tenant.",
               f"Check the domain, or {give('sfb')} and {give('pool_fqdns')} to check it anyway.",
               _errored(lookups.sip_internal, lookups.lyncdiscover_internal_answer, tenant, results=results)),
    ]
    return Decision(values, tuple(found), tuple(notes), tuple(decided), exchange_known and sfb_known)


def _judge(rid: str, title: str, known: bool, detail: str, missing: str, fix: str,  # noqa: PLR0917
           errors: list[ProbeResult]) -> ProbeResult:
    if known:
        return _result(rid, Status.PASS, title, detail)
    if errors:  # it could not be asked: say so instead of reporting "not published"
        return _result(rid, Status.BLOCKED, title, "Not decided: the lookups it depends on could not be made ("
                       + "; ".join(f"\u201c{r.title}\u201d" for r in errors) + ").",
                       "Fix that first; discovery runs again after that.", blocked=errors)
    return _result(rid, Status.FAIL, title, missing, fix)
