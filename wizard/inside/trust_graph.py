"""The trust graph: every certificate the integration trusts, and every place that holds or publishes it.

Both products' OAuth configuration side by side: Exchange AuthConfig (current/next), each Exchange
server's certificate store, Exchange's metadata document, SfB's partner application for Exchange,
each Front End's OAuthTokenIssuer, the CMS setting, SfB's metadata document, Exchange's partner
application for SfB and the tenant's service principals. Edges carry a status (ok, expiring,
mismatch, missing, expired) and a sentence that explains it. A pure model: no Qt, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from wizard.inside.collected import Certificate
from wizard.inside.findings import expiry, short
from wizard.inside.rules import (
    RuleContext,
    active_token_issuer,
    exchange_apps_for,
    exchange_certificate,
    expected_principals,
    sfb_exchange_apps,
    sfb_token_issuer,
)
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.probes.result import Status
from wizard.safe_text import clean_line

PRINCIPAL_NAMES = {
    EXCHANGE_SERVICE_ID: "Exchange Online (00000002)",
    SFB_SERVICE_ID: "Skype for Business Online (00000004, legacy: used by SfB Server hybrids and Teams)",
    TEAMS_SCHEDULER_APP_ID: "Teams Calendar Scheduler",
    CLOUD_VOICEMAIL_APP_ID: "Cloud Voicemail",
}


class TrustStatus(StrEnum):
    OK = "ok"
    EXPIRING = "expiring"
    MISMATCH = "mismatch"
    MISSING = "missing"
    EXPIRED = "expired"

    @property
    def severity(self) -> int:
        return {TrustStatus.OK: 0, TrustStatus.EXPIRING: 1}.get(self, 2)

    @property
    def colour(self) -> str:
        """green / amber / red: the traffic light the GUI and the report draw."""
        return ("green", "amber", "red")[self.severity]


def worst(statuses: list[TrustStatus]) -> TrustStatus:
    return max(statuses, key=lambda s: s.severity, default=TrustStatus.OK)


class HolderKind(StrEnum):
    EXCHANGE_AUTH_CONFIG = "exchange-auth-config"
    EXCHANGE_SERVER = "exchange-server"
    EXCHANGE_METADATA = "exchange-metadata"
    EXCHANGE_PARTNER_APPLICATION = "exchange-partner-application"
    SFB_PARTNER_APPLICATION = "sfb-partner-application"
    SFB_GLOBAL = "sfb-global"
    SFB_FRONT_END = "sfb-front-end"
    SFB_METADATA = "sfb-metadata"
    TENANT_SERVICE_PRINCIPAL = "tenant-service-principal"

    @property
    def side(self) -> str:
        """exchange, sfb or tenant: the column the picture puts the holder in."""
        return self.value.split("-")[0]


@dataclass(frozen=True)
class CertificateNode:
    thumbprint: str
    subject: str
    not_after: datetime | None
    role: str  # what the integration uses it for ("Exchange auth certificate (current)", ...)
    status: TrustStatus  # worst of its own validity and every edge that points at it
    explanation: str

    @property
    def label(self) -> str:
        day = self.not_after.date().isoformat() if self.not_after else "unknown expiry"
        return f"{short(self.thumbprint)} {self.subject or '(subject unknown)'} \u2013 {day}"


@dataclass(frozen=True)
class HolderNode:
    id: str
    kind: HolderKind
    label: str
    status: TrustStatus
    explanation: str


@dataclass(frozen=True)
class TrustEdge:
    holder: str  # HolderNode.id
    thumbprint: str
    relation: str  # "current", "next", "installed", "publishes", "signs with", "trusts via metadata", "key credential"
    status: TrustStatus
    explanation: str
    rule: str = ""  # the finding id that judges this relation


@dataclass(frozen=True)
class TrustGraph:
    certificates: tuple[CertificateNode, ...]
    holders: tuple[HolderNode, ...]
    edges: tuple[TrustEdge, ...]

    def certificate(self, thumbprint: str) -> CertificateNode:
        return next(c for c in self.certificates if c.thumbprint == thumbprint)

    def holder(self, holder_id: str) -> HolderNode:
        return next(h for h in self.holders if h.id == holder_id)

    def edges_of(self, key: str) -> tuple[TrustEdge, ...]:
        """Edges of a holder id or a certificate thumbprint."""
        return tuple(e for e in self.edges if key in (e.holder, e.thumbprint))

    @property
    def is_empty(self) -> bool:
        return not self.certificates

    def to_json(self) -> dict[str, Any]:
        return {
            "certificates": [{"thumbprint": c.thumbprint, "subject": c.subject, "role": c.role,
                              "not_after": c.not_after.isoformat() if c.not_after else None,
                              "status": c.status.value, "explanation": c.explanation} for c in self.certificates],
            "holders": [{"id": h.id, "kind": h.kind.value, "label": h.label, "status": h.status.value,
                         "explanation": h.explanation} for h in self.holders],
            "edges": [{"holder": e.holder, "thumbprint": e.thumbprint, "relation": e.relation,
                       "status": e.status.value, "explanation": e.explanation, "rule": e.rule} for e in self.edges],
        }


def _validity(status: Status) -> TrustStatus:
    return {Status.PASS: TrustStatus.OK, Status.WARN: TrustStatus.EXPIRING}.get(status, TrustStatus.EXPIRED)


class _Builder:
    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.certs: dict[str, tuple[str, str, datetime | None]] = {}  # thumbprint -> (subject, role, not_after)
        self.holders: dict[str, tuple[HolderKind, str]] = {}
        self.edges: list[TrustEdge] = []
        self.validity_rules: dict[str, str] = {}
        self.successors: dict[str, tuple[str, datetime]] = {}  # thumbprint -> (successor, takes over on)

    def cert(self, thumbprint: str, role: str, source: Certificate | None = None, *, subject: str = "",
             not_after: datetime | None = None, validity_rule: str = "") -> str:
        """Register a certificate; `validity_rule` is the finding that judges its expiry."""
        known = self.certs.get(thumbprint)
        subject = clean_line((source.subject if source else subject) or (known[0] if known else ""), limit=300)
        not_after = (source.not_after if source else not_after) or (known[2] if known else None)
        self.certs[thumbprint] = (subject, known[1] if known else role, not_after)
        self.validity_rules.setdefault(thumbprint, validity_rule)
        return thumbprint

    def succeeded_by(self, thumbprint: str, successor: str, when: datetime | None) -> None:
        if when is not None:
            self.successors[thumbprint] = (successor, when)

    def validity(self, thumbprint: str) -> tuple[TrustStatus, str]:
        """Expired, expiring or ok; expiring is ok when a valid successor takes over before the expiry
        (the same judgement as the expiry rules)."""
        _, _, not_after = self.certs[thumbprint]
        status, phrase = expiry(not_after, self.ctx.now)
        if status is Status.WARN and thumbprint in self.successors:
            successor, when = self.successors[thumbprint]
            next_status, _ = expiry(self.certs[successor][2], self.ctx.now)
            if next_status is Status.PASS and not_after is not None and when <= not_after:
                return TrustStatus.OK, f"{phrase}; {short(successor)} takes over on {when.date().isoformat()}"
        return _validity(status), phrase

    def holder(self, holder_id: str, kind: HolderKind, label: str) -> str:
        self.holders.setdefault(holder_id, (kind, clean_line(label, limit=300)))  # names come from collected files
        return holder_id

    def edge(self, holder: str, thumbprint: str, relation: str, *, problem: TrustStatus | None = None,
             explanation: str = "", rule: str = "") -> None:
        """A relation whose status is its own problem (if any), else the certificate's validity.

        The edge names the finding behind its colour: the relation's rule, or, when only the
        certificate's validity colours it, the rule that judges that validity.
        """
        valid, phrase = self.validity(thumbprint)
        if problem is not None:
            status = problem
        else:
            status = valid
            explanation = explanation or f"{relation.capitalize()}: {short(thumbprint)}, which {phrase}."
            if valid is not TrustStatus.OK and self.validity_rules.get(thumbprint):
                rule = self.validity_rules[thumbprint]
        self.edges.append(TrustEdge(holder, thumbprint, relation, status, explanation, rule))

    def graph(self) -> TrustGraph:
        holders = []
        for holder_id, (kind, label) in self.holders.items():
            edges = [e for e in self.edges if e.holder == holder_id]
            status = worst([e.status for e in edges])
            bad = [e.explanation for e in edges if e.status is not TrustStatus.OK]
            holders.append(HolderNode(holder_id, kind, label, status, " ".join(bad) or "Everything it holds is fine."))
        certificates = []
        for thumbprint, (subject, role, not_after) in self.certs.items():
            valid, phrase = self.validity(thumbprint)
            edges = [e for e in self.edges if e.thumbprint == thumbprint]
            status = worst([valid, *(e.status for e in edges)])
            notes = [f"{role}: {short(thumbprint)} {phrase}."]
            notes += [e.explanation for e in edges if e.status.severity == 2 and e.status is not TrustStatus.EXPIRED]
            certificates.append(CertificateNode(thumbprint, subject, not_after, role, status, " ".join(notes)))
        return TrustGraph(tuple(certificates), tuple(holders), tuple(self.edges))


def build_trust_graph(ctx: RuleContext) -> TrustGraph:
    """Everything the collected data, the scenario and any metadata documents say about trusted certificates."""
    b = _Builder(ctx)
    exchange_current = _exchange(b, ctx)
    sfb_current = _sfb(b, ctx)
    _tenant(b, ctx, exchange_current, sfb_current)
    return b.graph()


def _exchange(b: _Builder, ctx: RuleContext) -> str:
    exchange = ctx.collected.exchange
    if exchange is None or exchange.auth_config is None or not exchange.auth_config.current_thumbprint:
        return ""
    config = exchange.auth_config
    auth = b.holder("exchange:auth-config", HolderKind.EXCHANGE_AUTH_CONFIG, "Exchange AuthConfig")
    current = b.cert(config.current_thumbprint, "Exchange auth certificate (current)",
                     exchange_certificate(exchange, config.current_thumbprint),
                     validity_rule="inside.exchange-auth-cert-expiry")
    wanted = [current]
    nxt = ""
    if config.next_thumbprint:  # registered first: a successor in time keeps an expiring current one green
        nxt = b.cert(config.next_thumbprint, "Exchange auth certificate (next)",
                     exchange_certificate(exchange, config.next_thumbprint),
                     validity_rule="inside.exchange-auth-cert-expiry")
        b.succeeded_by(current, nxt, config.next_effective_date)
        wanted.append(nxt)
    b.edge(auth, current, "current", rule="inside.exchange-auth-cert-expiry")
    if nxt:
        when = config.next_effective_date.date().isoformat() if config.next_effective_date else "no date"
        b.edge(auth, nxt, f"next (from {when})", rule="inside.exchange-auth-cert-expiry")
    servers = sorted({c.server.lower() for c in exchange.certificates})
    for server in servers:
        holder = b.holder(f"exchange:server:{server}", HolderKind.EXCHANGE_SERVER, server)
        installed = {c.thumbprint for c in exchange.certificates if c.server.lower() == server}
        for thumbprint in wanted:
            if thumbprint in installed:
                b.edge(holder, thumbprint, "installed", rule="inside.exchange-auth-cert-servers")
            else:
                b.edge(holder, thumbprint, "installed", problem=TrustStatus.MISSING,
                       explanation=f"{server} does not have the auth certificate {short(thumbprint)}; it cannot sign "
                       "or validate tokens.", rule="inside.exchange-auth-cert-servers")
    for document in ctx.published.of("exchange"):
        _published(b, document.source, HolderKind.EXCHANGE_METADATA, "Exchange metadata", document.thumbprints,
                   current, {k.thumbprint: k for k in document.keys}, "inside.exchange-auth-cert-published")
    sfb = ctx.collected.sfb_primary
    if sfb is not None and ctx.topology.exchange_on_prem:
        for app in sfb_exchange_apps(sfb):
            holder = b.holder(f"sfb:partner:{app.identity.lower()}", HolderKind.SFB_PARTNER_APPLICATION,
                              f"SfB partner application {app.identity}")
            wanted_url = ctx.scenario.exchange_metadata_url
            if not app.enabled:
                b.edge(holder, current, "trusts via metadata", problem=TrustStatus.MISMATCH,
                       explanation=f"{app.identity} is disabled, so SfB does not trust Exchange's certificate.",
                       rule="inside.sfb-partner-exchange")
            elif app.metadata_url.rstrip("/").lower() != wanted_url.lower():
                b.edge(holder, current, "trusts via metadata", problem=TrustStatus.MISMATCH,
                       explanation=f"{app.identity} reads keys from {app.metadata_url or '(nowhere)'}, not from "
                       f"{wanted_url}.", rule="inside.sfb-partner-exchange")
            else:
                b.edge(holder, current, "trusts via metadata", rule="inside.sfb-partner-exchange")
    return current


def _sfb(b: _Builder, ctx: RuleContext) -> str:
    if not ctx.collected.sfb:
        return ""
    pool_cert, successor = sfb_token_issuer(ctx)
    if pool_cert is None:
        return ""
    current = b.cert(pool_cert.thumbprint, "SfB OAuthTokenIssuer (pool)", pool_cert,
                     validity_rule="inside.sfb-token-issuer-expiry")
    rolled = ""
    if successor is not None:  # registered first, as for Exchange's next certificate
        rolled = b.cert(successor.thumbprint, "SfB OAuthTokenIssuer (rolled successor)", successor,
                        validity_rule="inside.sfb-token-issuer-expiry")
        b.succeeded_by(current, rolled, successor.effective_date)
    primary = ctx.collected.sfb_primary
    if primary is not None and primary.global_certificates:
        cms = b.holder("sfb:global", HolderKind.SFB_GLOBAL, "SfB OAuthTokenIssuer (global, CMS)")
        b.edge(cms, current, "assigned", rule="inside.sfb-token-issuer-expiry")
        if successor is not None:
            when = successor.effective_date.date().isoformat() if successor.effective_date else "no date"
            b.edge(cms, rolled, f"rolled (from {when})", rule="inside.sfb-token-issuer-expiry")
    for sfb in ctx.collected.sfb:
        name = sfb.computer_fqdn or sfb.computer.lower()
        holder = b.holder(f"sfb:front-end:{name}", HolderKind.SFB_FRONT_END, name)
        active, _ = active_token_issuer(sfb.local_certificates, ctx.now)
        if active is None:
            b.edge(holder, current, "signs with", problem=TrustStatus.MISSING,
                   explanation=f"{name} has no OAuthTokenIssuer certificate.",
                   rule="inside.sfb-token-issuer-consistency")
        elif active.thumbprint != current:
            own = b.cert(active.thumbprint, "SfB OAuthTokenIssuer (one Front End only)", active)
            b.edge(holder, own, "signs with", problem=TrustStatus.MISMATCH,
                   explanation=f"{name} signs with {short(own)} while the pool uses {short(current)}.",
                   rule="inside.sfb-token-issuer-consistency")
        else:
            b.edge(holder, current, "signs with", rule="inside.sfb-token-issuer-consistency")
    for document in ctx.published.of("sfb"):
        _published(b, document.source, HolderKind.SFB_METADATA, "SfB metadata", document.thumbprints, current,
                   {k.thumbprint: k for k in document.keys}, "inside.sfb-token-issuer-published")
    exchange = ctx.collected.exchange
    if exchange is not None:
        urls = [u.lower() for u in ctx.scenario.sfb_metadata_urls]
        for app in exchange_apps_for(exchange, SFB_SERVICE_ID):
            if not app.auth_metadata_url:
                continue  # the SfB Online application trusts through the tenant, not a metadata document
            holder = b.holder(f"exchange:partner:{app.name.lower()}", HolderKind.EXCHANGE_PARTNER_APPLICATION,
                              f"Exchange partner application {app.name}")
            if not app.enabled:
                b.edge(holder, current, "trusts via metadata", problem=TrustStatus.MISMATCH,
                       explanation=f"{app.name} is disabled, so Exchange does not trust SfB's certificate.",
                       rule="inside.exchange-partner-sfb")
            elif urls and app.auth_metadata_url.rstrip("/").lower() not in urls:
                b.edge(holder, current, "trusts via metadata", problem=TrustStatus.MISMATCH,
                       explanation=f"{app.name} reads keys from {app.auth_metadata_url}, not from this scenario's "
                       "pools.", rule="inside.exchange-partner-sfb")
            else:
                b.edge(holder, current, "trusts via metadata", rule="inside.exchange-partner-sfb")
    return current


def _published(b: _Builder, source: str, kind: HolderKind, what: str, published: frozenset[str], current: str,  # noqa: PLR0917
               keys: dict[str, Any], rule: str) -> None:
    holder = b.holder(f"{kind.value}:{source}", kind, f"{what} {source}")
    for thumbprint in sorted(published):
        key = keys.get(thumbprint)
        if thumbprint not in b.certs:
            b.cert(thumbprint, "published key (not in the collected data)", subject=getattr(key, "subject", ""),
                   not_after=getattr(key, "not_after", None))
            b.edge(holder, thumbprint, "publishes", problem=TrustStatus.MISMATCH,
                   explanation=f"{source} publishes {short(thumbprint)}, which no collected server uses.", rule=rule)
        else:
            b.edge(holder, thumbprint, "publishes", rule=rule)
    if current not in published:
        b.edge(holder, current, "publishes", problem=TrustStatus.MISSING,
               explanation=f"{source} does not publish {short(current)}, the certificate in use.", rule=rule)


def _tenant(b: _Builder, ctx: RuleContext, exchange_current: str, sfb_current: str) -> None:
    graph = ctx.collected.graph
    if graph is None:
        return
    certs = {"exchange-auth": exchange_current, "sfb-oauth": sfb_current}
    for role, app_ids in expected_principals(ctx).items():
        thumbprint = certs.get(role)
        if not thumbprint:
            continue
        for app_id in app_ids:
            sp = graph.principal(app_id)
            if sp is None or not sp.found:
                continue
            holder = b.holder(f"tenant:{app_id}", HolderKind.TENANT_SERVICE_PRINCIPAL,
                              sp.display_name or PRINCIPAL_NAMES.get(app_id, app_id))
            keys = [k for k in sp.key_credentials if k.thumbprint == thumbprint]
            if not keys:
                b.edge(holder, thumbprint, "key credential", problem=TrustStatus.MISSING,
                       explanation=f"{holder_label(sp.display_name, app_id)} does not hold {short(thumbprint)}; the "
                       "cloud rejects tokens signed with it.", rule="inside.tenant-service-principal-keys")
            else:
                b.edge(holder, thumbprint, "key credential", rule="inside.tenant-service-principal-keys")


def holder_label(display_name: str, app_id: str) -> str:
    return display_name or PRINCIPAL_NAMES.get(app_id, app_id)
