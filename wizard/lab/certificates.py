"""Which certificate each simulated machine presents or publishes, as the faults configure it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from wizard.lab.ca import (
    DEFAULT_KEY_BITS,
    KEYS,
    TLS_LIFETIME,
    IssuedCertificate,
    TestCertificateAuthority,
    Validity,
    dates,
    exchange_auth_certificate,
    oauth_token_issuer_certificate,
    self_signed,
    self_signed_tls,
)
from wizard.lab.deployment import (
    ACS_HOST,
    AUTODISCOVER,
    DOMAIN,
    LOGIN_HOST,
    POOL,
    Deployment,
    Machine,
    Role,
)
from wizard.lab.faults import LabConfig, TlsState
from wizard.lab.https_server import TlsBinding

OAUTH_LIFETIME = timedelta(days=2 * 365)


@dataclass
class LabCertificates:
    """The CA, every machine's TLS certificates and the OAuth signing certificates the lab serves."""

    ca: TestCertificateAuthority
    tls: dict[str, list[tuple[tuple[str, ...], IssuedCertificate]]] = field(default_factory=dict)
    oauth_by_front_end: dict[str, IssuedCertificate] = field(default_factory=dict)
    exchange_auth: IssuedCertificate | None = None
    acs_signing: IssuedCertificate | None = None
    legacy_tls: set[str] = field(default_factory=set)  # machine keys whose servers offer only TLS 1.0/1.1

    @property
    def oauth(self) -> IssuedCertificate:
        """The OAuthTokenIssuer certificate as assigned on the first Front End (the one the scenario names)."""
        return next(iter(self.oauth_by_front_end.values()))

    def bindings(self, machine: Machine, folder: Path) -> list[TlsBinding]:
        """Write the machine's chain+key PEM files into `folder` and describe them for the server."""
        result = []
        for index, (names, issued) in enumerate(self.tls[machine.key]):
            path = folder / f"{machine.key}-{index}.pem"
            path.write_bytes(issued.chain_pem())
            result.append(TlsBinding(names, str(path), legacy_only=machine.key in self.legacy_tls))
        return result


def key_roles(config: LabConfig) -> list[tuple[str, int]]:
    """The keys a lab start needs (so they can be generated together, in parallel)."""
    roles = [("ca", DEFAULT_KEY_BITS), ("tls", DEFAULT_KEY_BITS), ("oauth", config.oauth_key_bits),
             ("exchange-auth", DEFAULT_KEY_BITS)]
    if not config.front_ends_share_oauth_certificate:
        roles.append(("oauth-other", config.oauth_key_bits))
    return roles


def make_certificates(deployment: Deployment, config: LabConfig, *, now: datetime | None = None) -> LabCertificates:
    now = now or datetime.now(UTC)
    KEYS.prefetch(key_roles(config))
    ca = TestCertificateAuthority(KEYS.get("ca"), now=now)
    tls_key = KEYS.get("tls")
    certs = LabCertificates(ca)

    def trusted(names: tuple[str, ...]) -> IssuedCertificate:
        return ca.issue_tls(names, key=tls_key)

    for machine in deployment.web_machines:
        names = machine.web_names
        if machine.role is Role.EXCHANGE:
            names = names if config.exchange_cert_covers_autodiscover else tuple(
                n for n in names if n != AUTODISCOVER)
            certs.tls[machine.key] = [(names, trusted(names))]
        elif machine.role is Role.FRONT_END:
            names = (*names, f"lyncdiscover.{DOMAIN}", f"meet.{DOMAIN}", f"dialin.{DOMAIN}")
            san = (*names, *padding_names(config.pool_tls_extra_names))
            certs.tls[machine.key] = [(names, _front_end_tls(ca, san, config.pool_tls, tls_key, now))]
            if config.pool_tls_legacy_only:
                certs.legacy_tls.add(machine.key)
        elif machine.role is Role.MICROSOFT_LOGIN:
            certs.tls[machine.key] = [((LOGIN_HOST,), trusted((LOGIN_HOST,))), ((ACS_HOST,), trusted((ACS_HOST,)))]
        elif machine.role is Role.SFB_ONLINE:
            names = ("*.online.lync.com", "online.lync.com")
            certs.tls[machine.key] = [(machine.web_names, trusted(names))]
        else:
            certs.tls[machine.key] = [(names, trusted(names))]

    oauth_validity = dates(now, OAUTH_LIFETIME, expired=config.oauth_expired,
                           not_yet_valid=config.oauth_not_yet_valid)
    first: IssuedCertificate | None = None
    for front_end in deployment.front_ends:
        if first is not None and config.front_ends_share_oauth_certificate:
            certs.oauth_by_front_end[front_end.key] = first  # the same certificate on every Front End
            continue
        issued = oauth_token_issuer_certificate(
            ca, pool_fqdn=POOL, sip_domains=list(deployment.sip_domains),
            key=KEYS.get("oauth" if first is None else "oauth-other", config.oauth_key_bits),
            subject_has_sip_domain=config.oauth_subject_has_sip_domain, validity=oauth_validity)
        certs.oauth_by_front_end[front_end.key] = issued
        first = first or issued
    certs.exchange_auth = exchange_auth_certificate(key=KEYS.get("exchange-auth"), now=now,
                                                    expired=config.exchange_auth_expired,
                                                    not_yet_valid=config.exchange_auth_not_yet_valid)
    acs_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ACS_HOST)])
    certs.acs_signing = self_signed(acs_subject, key=tls_key, validity=Validity.current(now, timedelta(days=730)),
                                    server_auth=False)
    return certs


def _front_end_tls(ca: TestCertificateAuthority, names: tuple[str, ...], state: TlsState,
                   key: rsa.RSAPrivateKey, now: datetime) -> IssuedCertificate:
    if state is TlsState.SELF_SIGNED:
        return self_signed_tls(names, key=key, now=now)
    if state is TlsState.EXPIRED:
        return ca.issue_tls(names, key=key, validity=Validity.expired(now, TLS_LIFETIME))
    if state is TlsState.NOT_YET_VALID:
        return ca.issue_tls(names, key=key, validity=Validity.not_yet_valid(now, TLS_LIFETIME))
    return ca.issue_tls(names, key=key)


def padding_names(count: int) -> tuple[str, ...]:
    """Names of branch-office sites that an oversized multi-name certificate carries (about 30 bytes each)."""
    return tuple(f"site{index:05d}.branch.{DOMAIN}" for index in range(1, count + 1))
