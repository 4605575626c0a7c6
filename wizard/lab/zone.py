"""The DNS records of the lab: contoso.com as the admin's resolver sees it, plus the Microsoft names.

Record values follow the documented tables: Exchange autodiscover CNAME and SRV (0 0 443, as in the
field guide's nslookup), the SfB internal and edge SRV records (443 for _sip._tls, 5061 for the TLS
federation and internal records) and, for a Teams-only tenant, the one record Microsoft still lists
(`_sipfederationtls._tcp 100 1 5061 sipfed.online.lync.com`, "External Domain Name System records for
Microsoft 365"); Exchange Online's outlook.office365.com on loopback.
Ports in SRV records are the real ones; ProbeSettings tells probes where the lab really listens.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.lab.deployment import (
    ACS_HOST,
    DC01,
    DOMAIN,
    EXCHANGE,
    EXCHANGE_ONLINE,
    EXCHANGE_ONLINE_HOST,
    FE01,
    FE02,
    LOGIN_HOST,
    MICROSOFT_LOGIN,
    REVERSE_PROXY,
    SFB_ONLINE,
    SIPDIR,
    SIPFED,
    WEBDIR,
    WEBDIR_POOL,
    Deployment,
)
from wizard.lab.faults import LabConfig

TTL = 3600
NEGATIVE_TTL = 300
DOMAIN_VERIFICATION_TXT = '"MS=ms48215093"'


@dataclass(frozen=True)
class Record:
    """One resource record in zone-file terms: absolute owner name, type, TTL and rdata text."""

    name: str
    rdtype: str
    rdata: str
    ttl: int = TTL


@dataclass(frozen=True)
class ZoneData:
    """The records the lab resolver knows and the zones (origin -> SOA rdata) they belong to."""

    records: tuple[Record, ...]
    zones: dict[str, str]

    def names(self) -> set[str]:
        return {r.name for r in self.records}


def _soa(primary: str) -> str:
    return f"{primary} hostmaster.{primary.split('.', 1)[1]} 2024060101 3600 600 1209600 {NEGATIVE_TTL}"


def _contoso(deployment: Deployment) -> list[tuple[str, str, str]]:
    """(relative name, type, rdata) for contoso.com; '@' is the apex."""
    rows = [
        ("@", "NS", f"{DC01.key}.{DOMAIN}."),
        ("@", "MX", f"10 {EXCHANGE.key}.{DOMAIN}."),
        ("@", "TXT", '"v=spf1 mx -all"'),
        (DC01.key, "A", DC01.address),
        (EXCHANGE.key, "A", EXCHANGE.address),
        ("autodiscover", "CNAME", f"{EXCHANGE.key}.{DOMAIN}."),
        ("webmail", "A", EXCHANGE.address),  # the published name (in a real network: the reverse proxy's)
        ("_autodiscover._tcp", "SRV", f"0 0 443 autodiscover.{DOMAIN}."),
        ("_ldap._tcp.dc._msdcs", "SRV", f"0 100 389 {DC01.key}.{DOMAIN}."),  # what every AD DNS zone publishes
    ]
    if deployment.has_tenant:
        rows.append(("@", "TXT", DOMAIN_VERIFICATION_TXT))
    if deployment.sfb_on_prem:
        pool = [FE01.address, FE02.address]
        rows += [("pool01", "A", a) for a in pool]
        rows += [(FE01.key, "A", FE01.address), (FE02.key, "A", FE02.address)]
        rows += [("sip", "A", a) for a in pool]
        rows += [("lyncdiscoverinternal", "A", a) for a in pool]
        rows += [("lyncdiscover", "A", REVERSE_PROXY.address), ("webext", "A", REVERSE_PROXY.address)]
        rows += [
            ("_sip._tls", "SRV", f"0 0 443 sip.{DOMAIN}."),
            ("_sipfederationtls._tcp", "SRV", f"0 0 5061 sip.{DOMAIN}."),
            ("_sipinternaltls._tcp", "SRV", f"0 0 5061 pool01.{DOMAIN}."),
        ]
    else:  # Teams only: federation is the one record Microsoft still lists (sip, lyncdiscover, _sip._tls are gone)
        rows += [
            ("_sipfederationtls._tcp", "SRV", f"100 1 5061 {SIPFED}."),
        ]
    return rows + list(deployment.extra_records)  # a larger organisation's further servers and SIP domains


def _omitted(name: str, rdtype: str, config: LabConfig) -> bool:
    return (name, rdtype) in config.omitted_records or (name, "*") in config.omitted_records


def _with_replacements(rows: list[tuple[str, str, str]], config: LabConfig) -> list[tuple[str, str, str]]:
    """A name a fault gives records of its own keeps none of its healthy ones (a CNAME cannot share a name)."""
    replaced = {name for name, _, _ in config.dns_records}
    return [row for row in rows if row[0] not in replaced] + sorted(config.dns_records)


def build_zone(deployment: Deployment, config: LabConfig) -> ZoneData:
    """All records for this topology, minus the ones the faults remove, plus the ones they put instead."""
    records: list[Record] = []
    for name, rdtype, rdata in _with_replacements(_contoso(deployment), config):
        if _omitted(name, rdtype, config):
            continue
        owner = f"{DOMAIN}." if name == "@" else f"{name}.{DOMAIN}."
        records.append(Record(owner, rdtype, rdata))
    # The Microsoft side exists in every topology, as it does on the internet (unless this PC's resolver
    # knows only the organisation's names: then the zones answer that Microsoft's names do not exist).
    if config.internet_names:
        records += [Record(f"{LOGIN_HOST}.", "A", MICROSOFT_LOGIN.address),
                    Record(f"{ACS_HOST}.", "A", MICROSOFT_LOGIN.address)]
        records += [Record(f"{host}.", "A", SFB_ONLINE.address) for host in (WEBDIR, WEBDIR_POOL, SIPDIR, SIPFED)]
        records.append(Record(f"{EXCHANGE_ONLINE_HOST}.", "A", EXCHANGE_ONLINE.address))
    zones = {
        f"{DOMAIN}.": _soa(f"{DC01.key}.{DOMAIN}."),
        "online.lync.com.": _soa("ns1.online.lync.com."),
        "microsoftonline.com.": _soa("ns1.microsoftonline.com."),
        "windows.net.": _soa("ns1.windows.net."),
        "office365.com.": _soa("ns1.office365.com."),
    }
    return ZoneData(tuple(records), zones)
