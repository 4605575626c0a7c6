"""The simulated Contoso deployment: which machines exist, their loopback addresses and names.

Each simulated machine has its own 127.77.0.x address (any 127/8 address is loopback on Linux), so a
probe that resolves a name and dials the address it got sees exactly one server, as on a real
network. The Microsoft cloud endpoints the wizard talks to are simulated too, but only on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

DOMAIN = "contoso.com"
TENANT_DOMAIN = "contoso.onmicrosoft.com"
TENANT_ID = "7c3b1f52-9e4a-4d6b-8f21-0a5c6d7e8f90"  # made up for the lab
OTHER_TENANT_ID = "0f9e8d7c-6b5a-4938-a271-605f4e3d2c1b"  # another (made-up) tenant, for a fault
TENANT_REGION = "NA"
OTHER_REALM = "fabrikam.com"
EXCHANGE_BUILD = "15.2.2562.37"  # Exchange Server SE RTM with the February 2026 security update
EXCHANGE_SERVER = f"ex01.{DOMAIN}"
AUTODISCOVER = f"autodiscover.{DOMAIN}"
POOL = f"pool01.{DOMAIN}"
EXTERNAL_WEB = f"webext.{DOMAIN}"
EXTERNAL_MAIL = f"webmail.{DOMAIN}"  # Exchange's published name: the ExternalUrl of EWS and OWA
DOMAIN_CONTROLLER = f"dc01.{DOMAIN}"
TEST_USER = "adele"
LOGIN_HOST = "login.microsoftonline.com"
ACS_HOST = "accounts.accesscontrol.windows.net"
WEBDIR = "webdir.online.lync.com"
WEBDIR_POOL = "webdir1a.online.lync.com"
SIPDIR = "sipdir.online.lync.com"
SIPFED = "sipfed.online.lync.com"
EXCHANGE_ONLINE_HOST = "outlook.office365.com"


class Role(StrEnum):
    EXCHANGE = "exchange"
    FRONT_END = "front-end"
    REVERSE_PROXY = "reverse-proxy"
    DOMAIN_CONTROLLER = "domain-controller"
    MICROSOFT_LOGIN = "microsoft-login"
    SFB_ONLINE = "sfb-online"
    EXCHANGE_ONLINE = "exchange-online"


@dataclass(frozen=True)
class Machine:
    """One simulated server: its address, the names its web site answers to, whether it speaks SIP."""

    key: str
    role: Role
    address: str
    web_names: tuple[str, ...] = ()  # HTTPS host names (SNI / Host header); empty = no web site
    sip: bool = False  # listens for SIP over TLS on the lab's 5061-equivalent port
    pool: str = ""  # a Front End: the FQDN of the pool it belongs to

    @property
    def serves_https(self) -> bool:
        return bool(self.web_names)


def front_end(key: str, address: str, pool: str = POOL) -> Machine:
    """An SfB Server Front End: its pool's web site and its own, plus the internal SIP and discovery names."""
    return Machine(key, Role.FRONT_END, address,
                   (pool, f"{key}.{DOMAIN}", f"sip.{DOMAIN}", f"lyncdiscoverinternal.{DOMAIN}"), sip=True, pool=pool)


EXCHANGE = Machine("ex01", Role.EXCHANGE, "127.77.0.10", (EXCHANGE_SERVER, AUTODISCOVER, EXTERNAL_MAIL))
FE01 = front_end("fe01", "127.77.0.21")
FE02 = front_end("fe02", "127.77.0.22")
REVERSE_PROXY = Machine("rp01", Role.REVERSE_PROXY, "127.77.0.30", (EXTERNAL_WEB, f"lyncdiscover.{DOMAIN}"))
DC01 = Machine("dc01", Role.DOMAIN_CONTROLLER, "127.77.0.5")
MICROSOFT_LOGIN = Machine("login", Role.MICROSOFT_LOGIN, "127.77.0.100", (LOGIN_HOST, ACS_HOST))
SFB_ONLINE = Machine("sfbonline", Role.SFB_ONLINE, "127.77.0.110", (WEBDIR, WEBDIR_POOL, SIPDIR, SIPFED), sip=True)
EXCHANGE_ONLINE = Machine("exo", Role.EXCHANGE_ONLINE, "127.77.0.120", (EXCHANGE_ONLINE_HOST,))

# The lab's topologies: "teams" is Exchange Server with Microsoft Teams (SfB Online, retired in 2021,
# was the lab's "online" topology, and that name is still accepted).
TOPOLOGIES = ("onprem", "hybrid", "teams")
TOPOLOGY_ALIASES = {"online": "teams"}


def canonical_topology(name: str) -> str:
    """The lab topology a name means ("online" is the old name of "teams"); ValueError for unknown ones."""
    topology = TOPOLOGY_ALIASES.get(name, name)
    if topology not in TOPOLOGIES:
        raise ValueError(f"unknown lab topology {name!r}; choose one of: {', '.join(TOPOLOGIES)} "
                         f"(or {', '.join(TOPOLOGY_ALIASES)}, the old name of teams)")
    return topology


@dataclass(frozen=True)
class Deployment:
    """The machines of one lab topology and the facts the content and zone builders share."""

    topology: str
    machines: tuple[Machine, ...]
    sip_domains: tuple[str, ...] = (DOMAIN,)  # the first is the default SIP domain
    # (name relative to contoso.com, type, rdata): the records of machines and SIP domains beyond the
    # standard Contoso lab's (a larger organisation built on it, see scale.py)
    extra_records: tuple[tuple[str, str, str], ...] = ()

    @property
    def sfb_on_prem(self) -> bool:
        return self.topology in ("onprem", "hybrid")

    @property
    def has_tenant(self) -> bool:
        return self.topology in ("hybrid", "teams")

    @property
    def front_ends(self) -> tuple[Machine, ...]:
        return tuple(m for m in self.machines if m.role is Role.FRONT_END)

    @property
    def pool_fqdns(self) -> tuple[str, ...]:
        """Every Front End pool, in the order of its first Front End."""
        return tuple(dict.fromkeys(m.pool for m in self.front_ends if m.pool))

    @property
    def exchange_fqdns(self) -> tuple[str, ...]:
        """Every Exchange server by its own name (the first name its web site answers to)."""
        return tuple(m.web_names[0] for m in self.machines if m.role is Role.EXCHANGE and m.web_names)

    def machine(self, key: str) -> Machine:
        for machine in self.machines:
            if machine.key == key:
                return machine
        raise KeyError(key)

    @property
    def web_machines(self) -> tuple[Machine, ...]:
        return tuple(m for m in self.machines if m.serves_https)

    @property
    def sip_machines(self) -> tuple[Machine, ...]:
        return tuple(m for m in self.machines if m.sip)


def deployment_for(topology: str) -> Deployment:
    """onprem: Exchange SE + SfB Server SE; hybrid: the same with Teams (a tenant); teams (or its old
    name online): Exchange SE on premises with Microsoft Teams. The Microsoft cloud machines exist in
    every topology (as on the internet); whether they know the Contoso tenant is the content's business."""
    topology = canonical_topology(topology)
    cloud = (MICROSOFT_LOGIN, SFB_ONLINE, EXCHANGE_ONLINE)
    if topology in ("onprem", "hybrid"):
        return Deployment(topology, (EXCHANGE, FE01, FE02, REVERSE_PROXY, DC01, *cloud))
    return Deployment(topology, (EXCHANGE, DC01, *cloud))
