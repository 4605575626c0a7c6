"""Load the JSON files the read-only collectors write, into typed, frozen records.

Probes only see what answers on the network; these files carry what lives inside Exchange, SfB
and the tenant. A file is checked against the exact shape the collectors write: a wrong,
truncated or foreign file raises CollectedFileError with a one-line reason and nothing is kept.
Windows PowerShell writes UTF-16 LE (Out-File) or UTF-8 with a BOM; both are read.
Schema 2 added the dedicated hybrid application and the EWS access settings; a schema 1 file is still
read, and what it could not hold is None ("not collected"), never an empty list ("none exist").
The EWS virtual directories (web_services) came later within schema 2; a file without them gives None.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.probes.formats import json_safe

SCHEMA_VERSION = 2
_THUMBPRINT = re.compile(r"[0-9A-F]{40}")
_HEX = re.compile(r"[0-9A-F]+")
MAX_FILE_BYTES = 16 * 1024 * 1024
COLLECTORS = ("exchange", "sfb", "graph", "exo")


class CollectedFileError(ValueError):
    """A collector output that cannot be used; the message is one line naming the file and the problem."""


class UnknownCollectorError(CollectedFileError):
    """A collector output of a kind this wizard does not read (another tool's, or a later wizard's): `analyze`
    lists it as unused instead of refusing the whole run."""


# ----------------------------------------------------------------------------------------------
# Records
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CollectionError:
    """A cmdlet the collector could not run (missing rights, unreachable server): data is missing there."""

    source: str
    message: str


@dataclass(frozen=True)
class Certificate:
    """A certificate as one server reports it (Get-ExchangeCertificate, Get-CsCertificate)."""

    server: str
    thumbprint: str
    subject: str = ""
    issuer: str = ""
    not_before: datetime | None = None
    not_after: datetime | None = None
    key_size: int | None = None
    services: str = ""  # Exchange: "IIS, SMTP"
    friendly_name: str = ""
    alternative_names: tuple[str, ...] = ()
    effective_date: datetime | None = None  # SfB: when a rolled certificate takes over
    previous_thumbprint: str = ""  # SfB: the certificate a roll replaces
    scope: str = ""  # SfB: "local" (this computer) or "global" (the CMS setting)


@dataclass(frozen=True)
class ExchangeServer:
    name: str
    fqdn: str
    version: str = ""
    roles: str = ""


@dataclass(frozen=True)
class ClientAccess:
    name: str
    fqdn: str
    internal_uri: str


@dataclass(frozen=True)
class WebServicesDirectory:
    """Get-WebServicesVirtualDirectory: the EWS URLs of one server (empty text where none is set)."""

    server: str
    identity: str
    internal_url: str
    external_url: str


@dataclass(frozen=True)
class AuthConfig:
    current_thumbprint: str
    next_thumbprint: str
    next_effective_date: datetime | None
    previous_thumbprint: str
    realm: str
    service_name: str


@dataclass(frozen=True)
class ExchangePartnerApplication:
    name: str
    identity: str
    application_identifier: str
    enabled: bool
    auth_metadata_url: str
    realm: str
    linked_account: str
    use_auth_server: bool


@dataclass(frozen=True)
class AuthServer:
    """Get-AuthServer: the dedicated Exchange hybrid application is the ApplicationIdentifier of the
    enabled AzureAD (evoSTS) auth server (CSS-Exchange ExchangeHybridApplicationCheck)."""

    name: str
    type: str  # AzureAD (evoSTS), MicrosoftACS, ADFS, ...
    application_identifier: str
    realm: str  # the tenant ID for evoSTS
    enabled: bool
    auth_metadata_url: str = ""
    domain_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SettingOverride:
    """Get-SettingOverride: an Exchange customisation stored in Active Directory."""

    name: str
    component: str
    section: str
    parameters: tuple[str, ...]
    server: str = ""

    @property
    def enabled(self) -> bool | None:
        """The value of an 'Enabled=true|false' parameter, None when there is none."""
        for parameter in self.parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "enabled" and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
        return None


@dataclass(frozen=True)
class EwsPolicy:
    """The EWS settings of an organisation or a mailbox (Get-OrganizationConfig / Get-CASMailbox).

    enabled None is "not configured" ($null), which differs from $false; allowed_app_ids (Exchange
    Online only) is None when it was not read.
    """

    enabled: bool | None
    application_access_policy: str = ""  # EnforceAllowList | EnforceBlockList | ""
    allow_list: tuple[str, ...] = ()
    block_list: tuple[str, ...] = ()
    allowed_app_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CasMailbox:
    """A test user's mailbox EWS settings (Get-CASMailbox)."""

    identity: str
    address: str
    policy: EwsPolicy


@dataclass(frozen=True)
class ExchangeCollection:
    source: str
    computer: str
    collected_at: datetime
    servers: tuple[ExchangeServer, ...]
    auth_config: AuthConfig | None
    partner_applications: tuple[ExchangePartnerApplication, ...]
    client_access: tuple[ClientAccess, ...]
    certificates: tuple[Certificate, ...]
    errors: tuple[CollectionError, ...]
    auth_servers: tuple[AuthServer, ...] | None = None  # None: a schema 1 file (not collected)
    setting_overrides: tuple[SettingOverride, ...] | None = None
    organization_ews: EwsPolicy | None = None
    cas_mailboxes: tuple[CasMailbox, ...] | None = None
    web_services: tuple[WebServicesDirectory, ...] | None = None  # None: an older file (not collected)

    def failed(self, cmdlet: str) -> bool:
        """Whether the collector reported that cmdlet as failed (its data is then missing, not empty)."""
        return any(e.source.split()[0].lower() == cmdlet.lower() for e in self.errors if e.source)


@dataclass(frozen=True)
class OAuthConfiguration:
    realm: str
    service_name: str
    exchange_autodiscover_url: str
    exchange_autodiscover_allowed_domains: str
    client_authorization_oauth_server_identity: str


@dataclass(frozen=True)
class SfbPartnerApplication:
    identity: str
    name: str
    application_identifier: str
    enabled: bool
    metadata_url: str
    realm: str
    trust_level: str
    use_oauth_server: bool


@dataclass(frozen=True)
class OAuthServer:
    identity: str
    metadata_url: str
    issuer_identifier: str
    realm: str
    type: str


@dataclass(frozen=True)
class Pool:
    fqdn: str
    site: str
    computers: tuple[str, ...]


@dataclass(frozen=True)
class PatchVersion:
    """Get-CsServerPatchVersion: one installed component and its build."""

    component: str
    version: str


@dataclass(frozen=True)
class SfbCollection:
    source: str
    computer: str
    computer_fqdn: str
    collected_at: datetime
    oauth_configuration: OAuthConfiguration | None
    partner_applications: tuple[SfbPartnerApplication, ...]
    oauth_servers: tuple[OAuthServer, ...]
    pools: tuple[Pool, ...]
    token_issuer_certificates: tuple[Certificate, ...]
    errors: tuple[CollectionError, ...]
    patch_versions: tuple[PatchVersion, ...] | None = None  # None: not collected

    @property
    def local_certificates(self) -> tuple[Certificate, ...]:
        return tuple(c for c in self.token_issuer_certificates if c.scope == "local")

    @property
    def global_certificates(self) -> tuple[Certificate, ...]:
        return tuple(c for c in self.token_issuer_certificates if c.scope == "global")


@dataclass(frozen=True)
class KeyCredential:
    key_id: str
    type: str
    usage: str
    display_name: str
    custom_key_identifier: str  # hex of the bytes; for certificates uploaded by thumbprint, the SHA-1
    start: datetime | None
    end: datetime | None

    @property
    def thumbprint(self) -> str:
        """The SHA-1 thumbprint when the identifier is one (20 bytes), else ''."""
        return self.custom_key_identifier if len(self.custom_key_identifier) == 40 else ""


@dataclass(frozen=True)
class ServicePrincipal:
    app_id: str
    found: bool
    object_id: str
    display_name: str
    account_enabled: bool | None
    service_principal_names: tuple[str, ...]
    key_credentials: tuple[KeyCredential, ...]


@dataclass(frozen=True)
class Application:
    """An application registered in the tenant (Get-MgApplication): the dedicated Exchange hybrid
    application holds the Exchange auth certificate as a key credential."""

    app_id: str
    object_id: str
    display_name: str
    key_credentials: tuple[KeyCredential, ...]


@dataclass(frozen=True)
class GraphCollection:
    source: str
    computer: str
    collected_at: datetime
    tenant_id: str
    service_principals: tuple[ServicePrincipal, ...]
    errors: tuple[CollectionError, ...]
    applications: tuple[Application, ...] | None = None  # None: a schema 1 file (not collected)

    def principal(self, app_id: str) -> ServicePrincipal | None:
        return next((sp for sp in self.service_principals if sp.app_id.lower() == app_id.lower()), None)

    def application(self, app_id: str) -> Application | None:
        return next((a for a in self.applications or () if a.app_id.lower() == app_id.lower()), None)


@dataclass(frozen=True)
class ExoCollection:
    """Exchange Online PowerShell: the organisation's EWS settings and the test users' mailboxes."""

    source: str
    computer: str
    collected_at: datetime
    tenant_id: str
    organization_ews: EwsPolicy | None
    cas_mailboxes: tuple[CasMailbox, ...]
    errors: tuple[CollectionError, ...]


@dataclass(frozen=True)
class CollectedData:
    """Everything loaded: at most one Exchange, Graph and Exchange Online view, one SfB view per Front End."""

    exchange: ExchangeCollection | None = None
    sfb: tuple[SfbCollection, ...] = ()
    graph: GraphCollection | None = None
    exo: ExoCollection | None = None

    @property
    def sfb_primary(self) -> SfbCollection | None:
        """The newest SfB file: global settings (CMS) are the same on every Front End."""
        return max(self.sfb, key=lambda c: c.collected_at, default=None)

    @property
    def collections(self) -> tuple[Collection, ...]:
        items: list[Collection] = []
        if self.exchange:
            items.append(self.exchange)
        items.extend(self.sfb)
        if self.graph:
            items.append(self.graph)
        if self.exo:
            items.append(self.exo)
        return tuple(items)

    @property
    def is_empty(self) -> bool:
        return not self.collections


Collection = ExchangeCollection | SfbCollection | GraphCollection | ExoCollection


# ----------------------------------------------------------------------------------------------
# Reading bytes
# ----------------------------------------------------------------------------------------------
def decode_text(data: bytes, source: str) -> str:
    """Bytes -> text for UTF-8 (with or without BOM) and UTF-16 with BOM (Windows PowerShell Out-File)."""
    try:
        if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
            return data.decode("utf-16")
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        if b"\x00" in data[:64]:
            raise CollectedFileError(f"{source}: UTF-16 text without a byte order mark; save it as UTF-8")
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CollectedFileError(f"{source}: not UTF-8 or UTF-16 text; not a collector output") from None


def read_collected_file(path: str | os.PathLike[str]) -> Collection:
    target = Path(path)
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CollectedFileError(f"cannot read {target}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CollectedFileError(f"{target}: larger than 16 MiB; not a collector output")
    return parse_collected(data, source=str(target))


def parse_collected(data: bytes | str, *, source: str = "<data>") -> Collection:
    """One collector file's content -> its record; raises CollectedFileError on any deviation."""
    text = data if isinstance(data, str) else decode_text(data, source)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CollectedFileError(f"{source}: the file is empty")
    try:
        doc = json_safe.loads(text, max_bytes=MAX_FILE_BYTES)
    except json_safe.JsonDocumentError as exc:
        if exc.kind is json_safe.JsonProblem.MALFORMED:
            raise CollectedFileError(f"{source}: not valid JSON (truncated?): {exc.detail}") from None
        raise CollectedFileError(f"{source}: the file {exc.problem}; this is not a collector output") from None
    if not isinstance(doc, dict) or "collector" not in doc or "schema_version" not in doc:
        raise CollectedFileError(f"{source}: not a collector output of this wizard (no 'collector'/'schema_version')")
    kind = doc["collector"]
    if kind not in COLLECTORS:
        shown = repr(kind[:40]) if isinstance(kind, str) else f"({json_safe.kind_of(kind)})"
        raise UnknownCollectorError(f"{source}: unknown collector {shown}; expected one of {', '.join(COLLECTORS)}")
    version = doc["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CollectedFileError(f"{source}: schema_version must be a positive whole number")
    if version > SCHEMA_VERSION:
        raise CollectedFileError(
            f"{source}: written by a newer collector (schema {version}; this wizard reads {SCHEMA_VERSION}); "
            "update the wizard")
    reader = _Reader(source)
    try:
        if kind == "exchange":
            return _exchange(reader, doc)
        if kind == "sfb":
            return _sfb(reader, doc)
        if kind == "exo":
            return _exo(reader, doc)
        return _graph(reader, doc)
    except _ShapeError as exc:
        raise CollectedFileError(f"{source}: {exc}") from None


def load_collected(paths: Iterable[str | os.PathLike[str]]) -> CollectedData:
    """Read several files; newest wins per Exchange org / Graph tenant / SfB computer. All or nothing."""
    loaded = [read_collected_file(p) for p in paths]
    return combine(loaded)


def combine(items: Iterable[Collection]) -> CollectedData:
    exchange: list[ExchangeCollection] = []
    graph: list[GraphCollection] = []
    exo: list[ExoCollection] = []
    sfb_by_computer: dict[str, SfbCollection] = {}
    for item in items:
        if isinstance(item, ExchangeCollection):
            exchange.append(item)
        elif isinstance(item, GraphCollection):
            graph.append(item)
        elif isinstance(item, ExoCollection):
            exo.append(item)
        else:
            key = (item.computer_fqdn or item.computer).lower()
            known = sfb_by_computer.get(key)
            if known is None or item.collected_at > known.collected_at:
                sfb_by_computer[key] = item
    return CollectedData(
        exchange=_merge_exchange(exchange),
        sfb=tuple(sorted(sfb_by_computer.values(), key=lambda c: (c.computer_fqdn or c.computer).lower())),
        graph=max(graph, key=lambda g: g.collected_at, default=None),
        exo=max(exo, key=lambda e: e.collected_at, default=None),
    )


def _merge_exchange(items: list[ExchangeCollection]) -> ExchangeCollection | None:
    """Several Exchange files: organisation settings from the newest, certificates per server from the
    newest file that reached that server (a collector run on each site fills in the servers it sees)."""
    if not items:
        return None
    ordered = sorted(items, key=lambda c: c.collected_at, reverse=True)
    newest = ordered[0]
    if len(ordered) == 1:
        return newest
    seen: set[str] = set()
    certificates: list[Certificate] = []
    for item in ordered:
        servers = {c.server.lower() for c in item.certificates}
        for cert in item.certificates:
            if cert.server.lower() not in seen:
                certificates.append(cert)
        seen |= servers
    errors = tuple(dict.fromkeys(e for item in ordered for e in item.errors))
    return ExchangeCollection(
        source=" + ".join(i.source for i in ordered), computer=newest.computer, collected_at=newest.collected_at,
        servers=newest.servers, auth_config=newest.auth_config, partner_applications=newest.partner_applications,
        client_access=newest.client_access, certificates=tuple(certificates), errors=errors,
        auth_servers=newest.auth_servers, setting_overrides=newest.setting_overrides,
        organization_ews=newest.organization_ews, cas_mailboxes=newest.cas_mailboxes,
        web_services=newest.web_services)


# ----------------------------------------------------------------------------------------------
# Shape checking
# ----------------------------------------------------------------------------------------------
class _ShapeError(Exception):
    pass


class _Reader:
    """Typed accessors that name the JSON path of whatever is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    @staticmethod
    def need(obj: dict[str, Any], key: str, where: str) -> Any:
        if key not in obj:
            raise _ShapeError(f"{where}: missing '{key}'")
        return obj[key]

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _ShapeError(f"{where}: expected an object")
        return value

    def text(self, obj: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str:
        if optional and key not in obj:
            return ""
        value = self.need(obj, key, where)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise _ShapeError(f"{where}.{key}: expected text")
        return one_line(value)

    def flag(self, obj: dict[str, Any], key: str, where: str, *, optional: bool = False) -> bool | None:
        if optional and key not in obj:
            return None
        value = self.need(obj, key, where)
        if value is None and optional:
            return None
        if not isinstance(value, bool):
            raise _ShapeError(f"{where}.{key}: expected true or false")
        return value

    def number(self, obj: dict[str, Any], key: str, where: str) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise _ShapeError(f"{where}.{key}: expected a whole number")
        return value

    def when(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> datetime | None:
        value = obj.get(key) if not required else self.need(obj, key, where)
        if value is None or value == "":
            if required:
                raise _ShapeError(f"{where}.{key}: a date is required")
            return None
        if not isinstance(value, str):
            raise _ShapeError(f"{where}.{key}: expected an ISO-8601 date as text")
        try:
            return parse_iso(value)
        except ValueError:
            raise _ShapeError(f"{where}.{key}: {value!r} is not an ISO-8601 date") from None

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = as_list(self.need(obj, key, where))
        if value is None:
            raise _ShapeError(f"{where}.{key}: expected a list")
        return [self.obj(v, f"{where}.{key}[{i}]") for i, v in enumerate(value)]

    def strings(self, obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = as_list(obj.get(key))
        if value is None or not all(isinstance(v, str) for v in value):
            raise _ShapeError(f"{where}.{key}: expected a list of text")
        return tuple(one_line(v) for v in value if one_line(v))

    def thumb(self, obj: dict[str, Any], key: str, where: str) -> str:
        """A SHA-1 thumbprint (40 hex digits) or empty; anything else is not what the cmdlets write."""
        value = normalise_thumbprint(self.text(obj, key, where))
        if value and not _THUMBPRINT.fullmatch(value):
            raise _ShapeError(f"{where}.{key}: {value[:48]!r} is not a certificate thumbprint (40 hex digits)")
        return value

    def hex(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = normalise_thumbprint(self.text(obj, key, where))
        if value and not _HEX.fullmatch(value):
            raise _ShapeError(f"{where}.{key}: expected hexadecimal digits")
        return value


def as_list(value: Any) -> list[Any] | None:
    """A JSON list as ConvertTo-Json may write it: [], [..], a lone object, or Windows PowerShell 5.1's
    {"value": [...], "Count": n} wrapper for arrays that went through the pipeline."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        if set(value) == {"value", "Count"} and isinstance(value["value"], list):
            return value["value"]
        return [value]
    return None


def one_line(text: str) -> str:
    """Text with control characters and line/paragraph separators made spaces, trimmed.

    No value a cmdlet reports contains them, and a line break in a value that reaches a script
    comment would turn the rest of the value into code.
    """
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text).strip()


def parse_iso(text: str) -> datetime:
    """ISO-8601 as .NET's ToString('o') writes it (7 fraction digits, Z); no zone means UTC."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalise_thumbprint(value: str) -> str:
    """Upper-case hex without spaces, colons or the invisible mark the Windows dialog copies."""
    return "".join(c for c in value if c not in " :\u200e\u200f\t").upper()


def _errors(r: _Reader, doc: dict[str, Any]) -> tuple[CollectionError, ...]:
    return tuple(CollectionError(r.text(e, "Source", "errors"), r.text(e, "Message", "errors"))
                 for e in r.items(doc, "errors", "file"))


def _envelope(r: _Reader, doc: dict[str, Any]) -> tuple[str, datetime]:
    computer = r.text(doc, "computer", "file")
    collected_at = r.when(doc, "collected_at", "file", required=True)
    assert collected_at is not None
    return computer, collected_at


def _exchange(r: _Reader, doc: dict[str, Any]) -> ExchangeCollection:
    computer, collected_at = _envelope(r, doc)
    servers = tuple(
        ExchangeServer(r.text(s, "Name", w), r.text(s, "Fqdn", w), r.text(s, "AdminDisplayVersion", w, optional=True),
                       r.text(s, "ServerRole", w, optional=True))
        for s, w in _numbered(r.items(doc, "exchange_servers", "file"), "exchange_servers"))
    auth_raw = r.need(doc, "auth_config", "file")
    auth = None
    if auth_raw is not None:
        a = r.obj(auth_raw, "auth_config")
        w = "auth_config"
        auth = AuthConfig(
            current_thumbprint=r.thumb(a, "CurrentCertificateThumbprint", w),
            next_thumbprint=r.thumb(a, "NextCertificateThumbprint", w),
            next_effective_date=r.when(a, "NextCertificateEffectiveDate", w),
            previous_thumbprint=r.thumb(a, "PreviousCertificateThumbprint", w),
            realm=r.text(a, "Realm", w), service_name=r.text(a, "ServiceName", w))
    apps = tuple(
        ExchangePartnerApplication(
            name=r.text(p, "Name", w), identity=r.text(p, "Identity", w),
            application_identifier=r.text(p, "ApplicationIdentifier", w).lower(),
            enabled=bool(r.flag(p, "Enabled", w)), auth_metadata_url=r.text(p, "AuthMetadataUrl", w),
            realm=r.text(p, "Realm", w), linked_account=r.text(p, "LinkedAccount", w),
            use_auth_server=bool(r.flag(p, "UseAuthServer", w, optional=True)))
        for p, w in _numbered(r.items(doc, "partner_applications", "file"), "partner_applications"))
    cas = tuple(
        ClientAccess(r.text(c, "Name", w), r.text(c, "Fqdn", w), r.text(c, "AutoDiscoverServiceInternalUri", w))
        for c, w in _numbered(r.items(doc, "client_access", "file"), "client_access"))
    certs = tuple(
        Certificate(
            server=r.text(c, "Server", w), thumbprint=r.thumb(c, "Thumbprint", w), subject=r.text(c, "Subject", w),
            issuer=r.text(c, "Issuer", w, optional=True), not_before=r.when(c, "NotBefore", w),
            not_after=r.when(c, "NotAfter", w, required=True), key_size=r.number(c, "PublicKeySize", w),
            services=r.text(c, "Services", w, optional=True), friendly_name=r.text(c, "FriendlyName", w, optional=True))
        for c, w in _numbered(r.items(doc, "certificates", "file"), "certificates"))
    for cert in certs:
        if not cert.thumbprint:
            raise _ShapeError("certificates: an entry has no Thumbprint")
    auth_servers = None
    if "auth_servers" in doc:
        auth_servers = tuple(
            AuthServer(name=r.text(a, "Name", w), type=r.text(a, "Type", w),
                       application_identifier=r.text(a, "ApplicationIdentifier", w).lower(),
                       realm=r.text(a, "Realm", w).lower(), enabled=bool(r.flag(a, "Enabled", w)),
                       auth_metadata_url=r.text(a, "AuthMetadataUrl", w, optional=True),
                       domain_names=r.strings(a, "DomainName", w))
            for a, w in _numbered(r.items(doc, "auth_servers", "file"), "auth_servers"))
    overrides = None
    if "setting_overrides" in doc:
        overrides = tuple(
            SettingOverride(name=r.text(o, "Name", w), component=r.text(o, "ComponentName", w),
                            section=r.text(o, "SectionName", w), parameters=r.strings(o, "Parameters", w),
                            server=r.text(o, "Server", w, optional=True))
            for o, w in _numbered(r.items(doc, "setting_overrides", "file"), "setting_overrides"))
    organization = _ews_policy(r, doc, "organization_config") if "organization_config" in doc else None
    mailboxes = _cas_mailboxes(r, doc) if "cas_mailboxes" in doc else None
    web_services = None
    if "web_services" in doc:
        web_services = tuple(
            WebServicesDirectory(r.text(v, "Server", w), r.text(v, "Identity", w, optional=True),
                                 r.text(v, "InternalUrl", w, optional=True), r.text(v, "ExternalUrl", w, optional=True))
            for v, w in _numbered(r.items(doc, "web_services", "file"), "web_services"))
    return ExchangeCollection(r.source, computer, collected_at, servers, auth, apps, cas, certs, _errors(r, doc),
                              auth_servers, overrides, organization, mailboxes, web_services)


def _ews_policy(r: _Reader, doc: dict[str, Any], key: str) -> EwsPolicy | None:
    raw = r.need(doc, key, "file")
    if raw is None:
        return None
    return _policy_of(r, r.obj(raw, key), key)


def _policy_of(r: _Reader, o: dict[str, Any], w: str) -> EwsPolicy:
    app_ids: tuple[str, ...] | None = None
    if o.get("EwsAllowedAppIDsRead") is True:
        app_ids = tuple(part.lower() for value in r.strings(o, "EwsAllowedAppIDs", w)
                        for part in re.split(r"[,;\s]+", value) if part)
    return EwsPolicy(enabled=r.flag(o, "EwsEnabled", w, optional=True),
                     application_access_policy=r.text(o, "EwsApplicationAccessPolicy", w, optional=True),
                     allow_list=r.strings(o, "EwsAllowList", w), block_list=r.strings(o, "EwsBlockList", w),
                     allowed_app_ids=app_ids)


def _cas_mailboxes(r: _Reader, doc: dict[str, Any]) -> tuple[CasMailbox, ...]:
    return tuple(CasMailbox(r.text(m, "Identity", w), r.text(m, "PrimarySmtpAddress", w).lower(), _policy_of(r, m, w))
                 for m, w in _numbered(r.items(doc, "cas_mailboxes", "file"), "cas_mailboxes"))


def _exo(r: _Reader, doc: dict[str, Any]) -> ExoCollection:
    computer, collected_at = _envelope(r, doc)
    return ExoCollection(r.source, computer, collected_at, r.text(doc, "tenant_id", "file").lower(),
                         _ews_policy(r, doc, "organization_config"), _cas_mailboxes(r, doc), _errors(r, doc))


def _sfb(r: _Reader, doc: dict[str, Any]) -> SfbCollection:
    computer, collected_at = _envelope(r, doc)
    fqdn = r.text(doc, "computer_fqdn", "file").lower()
    config_raw = r.need(doc, "oauth_configuration", "file")
    config = None
    if config_raw is not None:
        c = r.obj(config_raw, "oauth_configuration")
        w = "oauth_configuration"
        config = OAuthConfiguration(
            realm=r.text(c, "Realm", w), service_name=r.text(c, "ServiceName", w).lower(),
            exchange_autodiscover_url=r.text(c, "ExchangeAutodiscoverUrl", w),
            exchange_autodiscover_allowed_domains=r.text(c, "ExchangeAutodiscoverAllowedDomains", w, optional=True),
            client_authorization_oauth_server_identity=r.text(
                c, "ClientAuthorizationOAuthServerIdentity", w, optional=True))
    apps = []
    for p, w in _numbered(r.items(doc, "partner_applications", "file"), "partner_applications"):
        token = r.text(p, "AuthToken", w, optional=True)
        metadata = r.text(p, "MetadataUrl", w) or _url_in(token)
        apps.append(SfbPartnerApplication(
            identity=r.text(p, "Identity", w), name=r.text(p, "Name", w, optional=True),
            application_identifier=r.text(p, "ApplicationIdentifier", w).lower(),
            enabled=bool(r.flag(p, "Enabled", w)), metadata_url=metadata, realm=r.text(p, "Realm", w),
            trust_level=r.text(p, "ApplicationTrustLevel", w, optional=True),
            use_oauth_server="useoauthserver" in token.lower().replace(" ", "")))
    servers = tuple(
        OAuthServer(r.text(s, "Identity", w), r.text(s, "MetadataUrl", w),
                    r.text(s, "IssuerIdentifier", w, optional=True), r.text(s, "Realm", w, optional=True),
                    r.text(s, "Type", w, optional=True))
        for s, w in _numbered(r.items(doc, "oauth_servers", "file"), "oauth_servers"))
    pools = tuple(
        Pool(r.text(p, "Fqdn", w).lower(), r.text(p, "Site", w, optional=True),
             tuple(c.lower() for c in r.strings(p, "Computers", w)))
        for p, w in _numbered(r.items(doc, "pools", "file"), "pools"))
    certs = []
    for c, w in _numbered(r.items(doc, "oauth_token_issuer", "file"), "oauth_token_issuer"):
        scope = r.text(c, "Scope", w).lower()
        if scope not in ("local", "global"):
            raise _ShapeError(f"{w}.Scope: expected 'local' or 'global', not {scope!r}")
        cert = Certificate(
            server=r.text(c, "Computer", w).lower(), thumbprint=r.thumb(c, "Thumbprint", w),
            subject=r.text(c, "Subject", w), issuer=r.text(c, "Issuer", w, optional=True),
            not_before=r.when(c, "NotBefore", w), not_after=r.when(c, "NotAfter", w, required=True),
            key_size=r.number(c, "KeySize", w), alternative_names=r.strings(c, "AlternativeNames", w),
            effective_date=r.when(c, "EffectiveDate", w), previous_thumbprint=r.thumb(c, "PreviousThumbprint", w),
            scope=scope)
        if not cert.thumbprint:
            raise _ShapeError(f"{w}: no Thumbprint")
        certs.append(cert)
    patches = None
    if "patch_versions" in doc:
        patches = tuple(PatchVersion(r.text(p, "ComponentName", w), r.text(p, "Version", w))
                        for p, w in _numbered(r.items(doc, "patch_versions", "file"), "patch_versions"))
    return SfbCollection(r.source, computer, fqdn, collected_at, config, tuple(apps), servers, pools, tuple(certs),
                         _errors(r, doc), patches)


def _graph(r: _Reader, doc: dict[str, Any]) -> GraphCollection:
    computer, collected_at = _envelope(r, doc)
    principals = []
    for s, w in _numbered(r.items(doc, "service_principals", "file"), "service_principals"):
        keys = _key_credentials(r, s, w)
        principals.append(ServicePrincipal(
            app_id=r.text(s, "AppId", w).lower(), found=bool(r.flag(s, "Found", w)), object_id=r.text(s, "Id", w),
            display_name=r.text(s, "DisplayName", w), account_enabled=r.flag(s, "AccountEnabled", w, optional=True),
            service_principal_names=r.strings(s, "ServicePrincipalNames", w), key_credentials=keys))
    applications = None
    if "applications" in doc:
        applications = tuple(
            Application(app_id=r.text(a, "AppId", w).lower(), object_id=r.text(a, "Id", w),
                        display_name=r.text(a, "DisplayName", w), key_credentials=_key_credentials(r, a, w))
            for a, w in _numbered(r.items(doc, "applications", "file"), "applications"))
    return GraphCollection(r.source, computer, collected_at, r.text(doc, "tenant_id", "file").lower(),
                           tuple(principals), _errors(r, doc), applications)


def _key_credentials(r: _Reader, owner: dict[str, Any], w: str) -> tuple[KeyCredential, ...]:
    return tuple(
        KeyCredential(
            key_id=r.text(k, "KeyId", kw), type=r.text(k, "Type", kw), usage=r.text(k, "Usage", kw),
            display_name=r.text(k, "DisplayName", kw), custom_key_identifier=r.hex(k, "CustomKeyIdentifier", kw),
            start=r.when(k, "StartDateTime", kw), end=r.when(k, "EndDateTime", kw))
        for k, kw in _numbered(r.items(owner, "KeyCredentials", w), f"{w}.KeyCredentials"))


def _numbered(items: list[dict[str, Any]], key: str) -> list[tuple[dict[str, Any], str]]:
    return [(item, f"{key}[{i}]") for i, item in enumerate(items)]


def _url_in(text: str) -> str:
    """Get-CsPartnerApplication shows the metadata URL inside AuthToken ("MetadataUrl=https://...")."""
    start = text.lower().find("https://")
    if start < 0:
        return ""
    return text[start:].split(maxsplit=1)[0].rstrip(";,")
