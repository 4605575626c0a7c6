"""One vocabulary for every scenario value: JSON key, CLI flag, page label, validator, when required.

The CLI builds its flags from this table and the Qt pages build their forms from it, so a value
has the same name and the same rules wherever it is typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from wizard import validation
from wizard.policy import SFB_SERVICE_ID
from wizard.topology import (
    LEGACY_SFB_KINDS,
    ExchangeKind,
    ExchangeVersion,
    Phase,
    SfbKind,
    SfbVersion,
    Topology,
)


class Kind(StrEnum):
    CHOICE = "choice"
    TEXT = "text"
    LIST = "list"  # several values; comma or newline separated in a text box, repeatable flag on the CLI
    PATH = "path"


def _always(_: Topology) -> bool:
    return True


def _never(_: Topology) -> bool:
    return False


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind
    help: str
    phase: Phase
    validator: Callable[[str], str] | None = None
    choices: tuple[str, ...] = ()
    required: Callable[[Topology], bool] = _never
    relevant: Callable[[Topology], bool] = _always
    placeholder: str = ""
    aliases: Mapping[str, str] = field(default_factory=dict)  # old choice values still read: old -> current

    def canonical(self, value: str) -> str:
        """A choice as it is stored now (an old name, such as SfB 'online', becomes 'teams')."""
        return self.aliases.get(value.strip().lower(), value.strip().lower()) if self.kind is Kind.CHOICE else value

    @property
    def flag(self) -> str:
        """CLI flag; list fields are repeatable and named in the singular (--pool-fqdn)."""
        name = self.name.removesuffix("s") if self.kind is Kind.LIST else self.name
        return "--" + name.replace("_", "-")


def _sfb_onprem(t: Topology) -> bool:
    return t.sfb_on_prem


def _ex_onprem(t: Topology) -> bool:
    return t.exchange_on_prem


def _tenant(t: Topology) -> bool:
    return t.involves_tenant


def _ex_onprem_with_teams_only(t: Topology) -> bool:
    return t.exchange_on_prem and t.sfb is SfbKind.TEAMS


def _ex_onprem_with_tenant(t: Topology) -> bool:
    return t.exchange_on_prem and t.involves_tenant


def _autodiscover_relevant(t: Topology) -> bool:
    return t.exchange_on_prem or t.sfb_on_prem


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("mode", "What are you doing?", Kind.CHOICE, "Set up a new integration, or verify an existing one.",
              Phase.PREREQUISITES, choices=("setup", "verify"), required=_always),
    FieldSpec("exchange", "Exchange", Kind.CHOICE,
              "server: every mailbox on Exchange Server; hybrid: mailboxes on Exchange Server and in Exchange "
              "Online; online: every mailbox in Exchange Online.",
              Phase.PREREQUISITES, choices=tuple(k.value for k in ExchangeKind), required=_always),
    FieldSpec("exchange_version", "Exchange version", Kind.CHOICE,
              "The Exchange Server version on premises: se = Subscription Edition (the default); 2010 to 2019 are "
              "out of support but still handled.",
              Phase.PREREQUISITES, choices=tuple(v.value for v in ExchangeVersion),
              required=_ex_onprem, relevant=_ex_onprem),
    FieldSpec("sfb", "Skype for Business / Teams", Kind.CHOICE,
              "server: Lync/SfB Server only; hybrid: SfB Server with Microsoft Teams; teams: Microsoft Teams only "
              "('online', the retired Skype for Business Online, is read as teams).",
              Phase.PREREQUISITES, choices=tuple(k.value for k in SfbKind), required=_always,
              aliases=LEGACY_SFB_KINDS),
    FieldSpec("sfb_version", "Lync / SfB Server version", Kind.CHOICE,
              "se = Skype for Business Server Subscription Edition (the default); 2015 and 2019 = Skype for Business "
              "Server (out of support since 14 October 2025); 2013 = Lync Server 2013 (out of support).",
              Phase.PREREQUISITES, choices=tuple(v.value for v in SfbVersion),
              required=_sfb_onprem, relevant=_sfb_onprem),
    FieldSpec("sip_domains", "SIP domain(s)", Kind.LIST,
              "The first one is the default SIP domain, which is also the default OAuth realm.",
              Phase.PREREQUISITES, validation.domain, required=_always, placeholder="contoso.com"),
    FieldSpec("smtp_domain", "Primary SMTP domain", Kind.TEXT,
              "The domain of your users' e-mail addresses; autodiscover lives under it.",
              Phase.PREREQUISITES, validation.domain, required=_always, placeholder="contoso.com"),
    FieldSpec("verified_domain", "Verified domain", Kind.TEXT,
              "The tenant-verified domain used for the application account (defaults to the SMTP domain).",
              Phase.HYBRID, validation.domain, relevant=_ex_onprem_with_teams_only),
    FieldSpec("exchange_fqdns", "Exchange server FQDN(s)", Kind.LIST,
              "The Exchange servers (Client Access / Mailbox) that run autodiscover and EWS.",
              Phase.PREREQUISITES, validation.fqdn, required=_ex_onprem, relevant=_ex_onprem,
              placeholder="exch01.contoso.com"),
    FieldSpec("exchange_lb_fqdn", "Exchange load-balanced FQDN", Kind.TEXT,
              "The name the Exchange servers share behind a load balancer; required with two or more servers "
              "(the autodiscover record and SfB's trusted application pool for OWA use it).",
              Phase.PREREQUISITES, validation.fqdn, relevant=_ex_onprem, placeholder="mail.contoso.com"),
    FieldSpec("autodiscover_fqdn", "Autodiscover FQDN", Kind.TEXT,
              "Defaults to autodiscover.<SMTP domain>.", Phase.AUTODISCOVER, validation.fqdn,
              relevant=_autodiscover_relevant, placeholder="autodiscover.contoso.com"),
    FieldSpec("exchange_autodiscover_url", "ExchangeAutodiscoverUrl (override)", Kind.TEXT,
              "Leave empty to derive it. It must end in autodiscover.svc; a pasted .xml URL is corrected.",
              Phase.OAUTH, lambda v: validation.https_url(v, what="autodiscover URL"),
              relevant=_sfb_onprem),
    FieldSpec("pool_fqdns", "Front End pool FQDN(s)", Kind.LIST,
              "Each Lync/SfB Front End pool (Standard Edition: the server FQDN).",
              Phase.PREREQUISITES, validation.fqdn, required=_sfb_onprem, relevant=_sfb_onprem,
              placeholder="pool01.contoso.com"),
    FieldSpec("dc_fqdn", "Domain controller FQDN", Kind.TEXT,
              "Used with -DomainController so new objects are read back from the same DC.",
              Phase.HYBRID, validation.fqdn, required=_ex_onprem_with_teams_only,
              relevant=_ex_onprem_with_tenant, placeholder="dc01.contoso.com"),
    FieldSpec("test_sip_uri", "Test user SIP address", Kind.TEXT,
              "A user with a mailbox to test with (on Skype for Business Server, Test-CsExStorageConnectivity "
              "writes to it).",
              Phase.VERIFICATION, validation.sip_uri, placeholder="sip:user@contoso.com"),
    FieldSpec("test_mailbox", "Test user mailbox (SMTP address)", Kind.TEXT,
              "The same user's primary SMTP address, when it differs from the SIP address (split SIP and SMTP "
              "domains); defaults to the SIP address without sip:.",
              Phase.VERIFICATION, validation.email, placeholder="user@contoso.com"),
    FieldSpec("tenant_domain", "Tenant domain", Kind.TEXT,
              "The tenant's initial domain (contoso.onmicrosoft.com) or any domain verified in it.",
              Phase.HYBRID, validation.domain, required=_tenant, relevant=_tenant,
              placeholder="contoso.onmicrosoft.com"),
    FieldSpec("tenant_id", "Tenant ID", Kind.TEXT, "Optional; discovered from the tenant domain when empty.",
              Phase.HYBRID, validation.guid, relevant=_tenant),
    FieldSpec("oauth_certificate", "OAuth certificate file", Kind.PATH,
              "The SfB OAuthTokenIssuer certificate (.cer, .crt, .pem or .pfx) to check and, in a hybrid, upload.",
              Phase.CERTIFICATES, validation.windows_path, relevant=_sfb_onprem),
    FieldSpec("oauth_certificate_thumbprint", "OAuth certificate thumbprint", Kind.TEXT,
              "Alternatively the thumbprint of the certificate in LocalMachine\\My.",
              Phase.CERTIFICATES, validation.thumbprint, relevant=_sfb_onprem),
    FieldSpec("oauth_realm", "OAuth realm", Kind.TEXT, "Defaults to the default SIP domain.",
              Phase.OAUTH, validation.domain, relevant=_sfb_onprem),
    FieldSpec("sfb_site", "SfB site name", Kind.TEXT,
              "The topology site of the pool, for the OWA trusted application pool (default: Site1).",
              Phase.PARTNER_APPLICATIONS, lambda v: validation.ps_identity(v, what="site name"),
              relevant=_sfb_onprem),
    FieldSpec("pool_external_web_fqdns", "Pool external web FQDN(s)", Kind.LIST,
              "Each pool's external web services name, added in a hybrid to the tenant's legacy Skype for "
              f"Business Online service principal ({SFB_SERVICE_ID}).",
              Phase.HYBRID, validation.fqdn, relevant=lambda t: t.sfb_on_prem and t.involves_tenant),
)

FIELD_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
