"""The scenario values the collected files already name, each with the file and cmdlet it came from.

`analyze` needs a valid scenario; an admin who has the collector outputs should not have to type what
they already say (the pools, the Exchange servers, the tenant, which products run where). A value given
in a scenario file or with a flag always wins; only empty fields are filled, and each filled value says
where it came from, so a check that compares a collected value with an inferred one can be read for what
it is. What cannot be inferred and is required is reported all at once (MissingValuesError).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from wizard.fields import FIELD_BY_NAME, FIELDS, Kind
from wizard.inside.collected import CollectedData, ExchangeCollection, SfbCollection
from wizard.microsoft_online import is_microsoft_online
from wizard.probes.formats.exchange_build import parse_build
from wizard.run_document import DiscoveredValue
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind, SfbKind, SfbVersion

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Get-CsServerPatchVersion's component names carry the product (Lync Server 2013 has no such cmdlet).
_SFB_PRODUCTS = (("subscription edition", SfbVersion.SE), ("2019", SfbVersion.V2019), ("2015", SfbVersion.V2015))


class MissingValuesError(ValueError):
    """Required values neither given nor found in the collected files; the message names every one."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        parts = [f"{FIELD_BY_NAME[name].flag} ({message})" for name, message in problems.items()]
        super().__init__("the collected files do not name these values; give them (or --scenario FILE): "
                         + "; ".join(parts))


@dataclass(frozen=True)
class Inferred:
    """The scenario to analyse with, and every value that was given or inferred, with its source."""

    scenario: Scenario
    values: tuple[DiscoveredValue, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Found:
    field: str
    value: str | list[str]
    source: str


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def _name(path: str) -> str:
    return re.split(r"[\\/]", path)[-1] or path


def _exchange_values(exchange: ExchangeCollection) -> list[_Found]:
    file = _name(exchange.source)
    found: list[_Found] = []
    servers = [s.fqdn.lower() for s in exchange.servers if s.fqdn]
    if servers:
        found.append(_Found("exchange_fqdns", servers, f"{file}, Get-ExchangeServer Fqdn"))
    external = {_host(d.external_url) for d in exchange.web_services or ()} - {""}
    if len(servers) > 1 and len(external) == 1 and not external & set(servers):
        found.append(_Found("exchange_lb_fqdn", external.pop(),
                            f"{file}, Get-WebServicesVirtualDirectory ExternalUrl (the one name every server "
                            "publishes EWS on)"))
    versions = {parsed.version for s in exchange.servers if (parsed := parse_build(_build_text(s.version)))}
    if len(versions) == 1:
        version = versions.pop()
        found.append(_Found("exchange_version", version.value, f"{file}, Get-ExchangeServer AdminDisplayVersion"))
    domains = sorted({m.address.rpartition("@")[2] for m in exchange.cas_mailboxes or () if "@" in m.address})
    if domains:
        found.append(_Found("smtp_domain", domains[0], f"{file}, Get-CASMailbox PrimarySmtpAddress"))
    autodiscover = {_host(c.internal_uri) for c in exchange.client_access} - {""}
    if len(autodiscover) == 1 and (host := autodiscover.pop()).startswith("autodiscover."):
        found.append(_Found("smtp_domain", host.removeprefix("autodiscover."),
                            f"{file}, Get-ClientAccessService AutoDiscoverServiceInternalUri host {host} "
                            "(autodiscover.<SMTP domain>)"))
    for server in exchange.auth_servers or ():
        if server.enabled and server.type.lower() == "azuread" and GUID.fullmatch(server.realm):
            found.append(_Found("tenant_id", server.realm, f"{file}, Get-AuthServer {server.name} Realm"))
        for domain in server.domain_names:
            if domain.lower().endswith(".onmicrosoft.com"):
                found.append(_Found("tenant_domain", domain.lower(), f"{file}, Get-AuthServer {server.name} "
                                    "DomainName (a domain of the tenant)"))
    return found


def _build_text(version: str) -> str:
    """'Version 15.2 (Build 1748.10)' (AdminDisplayVersion) -> '15.2.1748.10'; '15.1' stays."""
    match = re.search(r"(\d+\.\d+)(?:\D+(\d+\.\d+))?", version)
    if not match:
        return ""
    return f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1)


def _sfb_values(sfb: tuple[SfbCollection, ...]) -> list[_Found]:
    found: list[_Found] = []
    pools: dict[str, str] = {}
    for collection in sfb:
        for pool in collection.pools:
            pools.setdefault(pool.fqdn, _name(collection.source))
    if pools:
        files = ", ".join(sorted(set(pools.values())))
        found.append(_Found("pool_fqdns", sorted(pools), f"{files}, Get-CsPool (pools with the UserServer service)"))
    primary = max(sfb, key=lambda c: c.collected_at)
    file = _name(primary.source)
    config = primary.oauth_configuration
    if config is not None and config.realm:
        found.append(_Found("sip_domains", [config.realm.lower()],
                            f"{file}, Get-CsOAuthConfiguration Realm (SfB's realm is the default SIP domain unless "
                            "set otherwise; give --sip-domain to check the realm against the real one)"))
    if config is not None:
        host = _host(config.exchange_autodiscover_url)
        if host.startswith("autodiscover.") and not is_microsoft_online(host):
            found.append(_Found("smtp_domain", host.removeprefix("autodiscover."),
                                f"{file}, Get-CsOAuthConfiguration ExchangeAutodiscoverUrl host {host} "
                                "(autodiscover.<SMTP domain>)"))
    for server in primary.oauth_servers:
        match = GUID.search(server.metadata_url.lower())
        if match and "accesscontrol.windows.net" in server.metadata_url.lower():
            found.append(_Found("tenant_id", match.group(0), f"{file}, Get-CsOAuthServer {server.identity} "
                                "MetadataUrl"))
    products = {version for c in sfb for p in c.patch_versions or () for key, version in _SFB_PRODUCTS
                if key in p.component.lower() and "skype for business server" in p.component.lower()}
    if len(products) == 1:
        found.append(_Found("sfb_version", products.pop().value, f"{file}, Get-CsServerPatchVersion ComponentName"))
    return found


def _sfb_online_link(sfb: tuple[SfbCollection, ...]) -> str:
    """The OAuth server that links SfB Server to Microsoft 365 (configure-a-hybrid-environment), or ''."""
    for collection in sfb:
        for server in collection.oauth_servers:
            url = server.metadata_url.lower()
            if "accesscontrol.windows.net" in url or "login.windows.net" in url or "login.microsoftonline.com" in url:
                return f"{_name(collection.source)}, Get-CsOAuthServer {server.identity} (trusts Microsoft 365)"
    return ""


def _products(collected: CollectedData) -> list[_Found]:
    """Which products run where, from which collectors' outputs were loaded."""
    found: list[_Found] = []
    tenant = collected.graph.tenant_id if collected.graph else ""
    exo = collected.exo
    if collected.exchange is not None:
        if exo is not None:
            found.append(_Found("exchange", ExchangeKind.HYBRID.value,
                                f"{_name(collected.exchange.source)} and {_name(exo.source)}: Exchange Server and "
                                "Exchange Online settings were both collected"))
        else:
            found.append(_Found("exchange", ExchangeKind.SERVER.value,
                                f"{_name(collected.exchange.source)} and no Exchange Online collector output "
                                "(give --exchange hybrid if mailboxes are in Exchange Online too)"))
    elif exo is not None:
        found.append(_Found("exchange", ExchangeKind.ONLINE.value,
                            f"{_name(exo.source)} and no Exchange Server collector output"))
    if collected.sfb:
        link = _sfb_online_link(collected.sfb)
        files = ", ".join(_name(c.source) for c in collected.sfb)
        if link:
            found.append(_Found("sfb", SfbKind.HYBRID.value, link))
        elif tenant:
            found.append(_Found("sfb", SfbKind.HYBRID.value,
                                f"{files} and {_name(collected.graph.source) if collected.graph else ''}, which "
                                f"names tenant {tenant} (give --sfb server if no user is in Teams)"))
        else:
            found.append(_Found("sfb", SfbKind.SERVER.value, f"{files}, and no OAuth server trusting Microsoft 365"))
    elif tenant and collected.graph is not None:
        found.append(_Found("sfb", SfbKind.TEAMS.value,
                            f"no Skype for Business Server collector output, and {_name(collected.graph.source)} "
                            f"names tenant {tenant}"))
    return found


def inferred_values(collected: CollectedData) -> list[_Found]:
    """Every value the collected files name, best source first within a field."""
    found = _products(collected)
    if collected.graph is not None and collected.graph.tenant_id:
        found.append(_Found("tenant_id", collected.graph.tenant_id, f"{_name(collected.graph.source)}, Get-MgContext "
                            "TenantId"))
    if collected.exo is not None and collected.exo.tenant_id:
        found.append(_Found("tenant_id", collected.exo.tenant_id, f"{_name(collected.exo.source)}, "
                            "Get-ConnectionInformation TenantID"))
    if collected.exchange is not None:
        found += _exchange_values(collected.exchange)
    if collected.sfb:
        found += _sfb_values(collected.sfb)
    exo_domains = sorted({m.address.rpartition("@")[2] for m in (collected.exo.cas_mailboxes if collected.exo else ())
                          if "@" in m.address})
    if exo_domains and collected.exo is not None:
        found.append(_Found("smtp_domain", exo_domains[0], f"{_name(collected.exo.source)}, Get-CASMailbox "
                            "PrimarySmtpAddress"))
    return found


def _shown(value: object) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def infer_scenario(collected: CollectedData, base: Scenario, given: Mapping[str, str]) -> Inferred:
    """Fill the fields of `base` that `given` (field -> where it was given) does not name from the collected files.

    Raises MissingValuesError naming every required value still missing or wrong (given values are checked too).
    """
    scenario = base
    values: list[DiscoveredValue] = [DiscoveredValue(name, _shown(getattr(scenario, name)), source)
                                     for name, source in given.items()
                                     if name != "mode" and getattr(scenario, name) not in ("", [], None)]
    notes: list[str] = []
    problems: dict[str, str] = {}
    filled: set[str] = set()
    for item in inferred_values(collected):
        if item.field in given or item.field in filled:
            continue
        message = scenario.set(item.field, item.value)
        if message:
            notes.append(f"{FIELD_BY_NAME[item.field].label} {_shown(item.value)} from {item.source} was not used: "
                         f"{message}")
            scenario.set(item.field, [] if FIELD_BY_NAME[item.field].kind is Kind.LIST else "")
            continue
        filled.add(item.field)
        values.append(DiscoveredValue(item.field, _shown(getattr(scenario, item.field)), item.source))
    for name, default_note in (("exchange_version", "Exchange Server SE"), ("sfb_version", "Skype for Business "
                                                                          "Server SE")):
        spec = FIELD_BY_NAME[name]
        if name not in given and name not in filled and spec.relevant(scenario.topology_or_default):
            notes.append(f"The collected files do not say the {spec.label}: checked as {default_note} "
                         f"(give {spec.flag}).")
    for name, what in (("exchange", "no Exchange Server or Exchange Online collector output was loaded"),
                       ("sfb", "no Skype for Business Server or Graph collector output was loaded")):
        if name not in given and name not in filled:
            problems[name] = f"{what}; say which ({', '.join(FIELD_BY_NAME[name].choices)})"
    problems.update({k: v for k, v in scenario.errors().items() if k not in problems})
    if problems:
        raise MissingValuesError({name: problems[name] for spec in FIELDS if (name := spec.name) in problems})
    return Inferred(scenario, tuple(values), tuple(notes))
