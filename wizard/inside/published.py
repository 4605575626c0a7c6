"""What the OAuth metadata documents publish: the signing-certificate thumbprints partners will trust.

Partners trust whatever `/metadata/json/1` publishes, not what AuthConfig or Get-CsCertificate say,
so the two must be compared. The document comes from a saved file (Jeff Schertz's field guide opens the URL
in a browser and saves the file "1"), from thumbprints typed on the command line, or from the network
(`fetch_published`, the same download the metadata probes use). Parsing is the probes' parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wizard.inside.findings import finding
from wizard.policy import EXCHANGE_SERVICE_ID, SFB_SERVICE_ID
from wizard.probes.base import Net
from wizard.probes.context import ProbeContext
from wizard.probes.formats import json_safe
from wizard.probes.formats.auth_metadata import AuthMetadata, parse_auth_metadata
from wizard.probes.formats.certificate import x5t_to_thumbprint
from wizard.probes.metadata import fetch_metadata
from wizard.probes.net.errors import NetError
from wizard.probes.result import ProbeResult, Status
from wizard.scenario import Scenario
from wizard.topology import Phase

MAX_DOCUMENT_BYTES = 1024 * 1024


class MetadataDocumentError(ValueError):
    """A metadata document that cannot be read; one line naming the source and the problem."""


@dataclass(frozen=True)
class PublishedKey:
    thumbprint: str
    subject: str = ""
    not_after: datetime | None = None


@dataclass(frozen=True)
class PublishedDocument:
    """The keys one metadata document publishes; `service` is "exchange" or "sfb"."""

    service: str
    source: str  # URL or file
    keys: tuple[PublishedKey, ...]
    realm: str = ""
    issuer: str = ""

    @property
    def thumbprints(self) -> frozenset[str]:
        return frozenset(k.thumbprint for k in self.keys)


@dataclass(frozen=True)
class PublishedKeys:
    """Every metadata document known for this analysis (none: the comparison is skipped)."""

    documents: tuple[PublishedDocument, ...] = ()

    def of(self, service: str) -> tuple[PublishedDocument, ...]:
        return tuple(d for d in self.documents if d.service == service)

    def plus(self, other: PublishedKeys) -> PublishedKeys:
        return PublishedKeys(self.documents + other.documents)


def from_thumbprints(service: str, thumbprints: list[str], source: str = "command line") -> PublishedDocument:
    return PublishedDocument(service, source, tuple(PublishedKey(t.upper()) for t in thumbprints))


def from_auth_metadata(document: AuthMetadata, source: str) -> PublishedDocument:
    """The probes' parsed document -> the keys it publishes, tagged with the product that publishes it."""
    principal = (document.service_name or document.issuer_id).strip("/").lower()
    service = {EXCHANGE_SERVICE_ID: "exchange", SFB_SERVICE_ID: "sfb"}.get(principal)
    if service is None:
        raise MetadataDocumentError(
            f"{source}: serviceName/issuer {principal or '(none)'} is neither Exchange ({EXCHANGE_SERVICE_ID}) "
            f"nor Skype for Business ({SFB_SERVICE_ID})")
    keys: list[PublishedKey] = []
    for key in document.keys:
        if key.certificate is not None:
            keys.append(PublishedKey(key.certificate.thumbprint, key.certificate.subject, key.certificate.not_after))
        elif key.x5t and x5t_to_thumbprint(key.x5t):
            keys.append(PublishedKey(x5t_to_thumbprint(key.x5t) or ""))
    if not keys:
        raise MetadataDocumentError(f"{source}: the document publishes no readable signing key")
    return PublishedDocument(service, source, tuple(keys), realm=document.realm or "", issuer=document.issuer)


def parse_metadata_document(data: bytes | str, *, source: str) -> PublishedDocument:
    """A saved `/metadata/json/1` document -> which service it describes and the keys it publishes."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise MetadataDocumentError(f"{source}: larger than 1 MiB; not a metadata document")
    text = data.decode("utf-8-sig", "replace") if isinstance(data, bytes) else data
    try:
        doc = json_safe.loads(text, max_bytes=MAX_DOCUMENT_BYTES)
    except json_safe.JsonDocumentError as exc:
        if exc.kind is json_safe.JsonProblem.MALFORMED:
            raise MetadataDocumentError(f"{source}: not JSON ({exc.detail}); save the metadata document "
                                        "itself") from None
        raise MetadataDocumentError(f"{source}: the file {exc.problem}; this is not a real auth metadata "
                                    "document") from None
    try:
        return from_auth_metadata(parse_auth_metadata(doc, source), source)
    except NetError as exc:
        raise MetadataDocumentError(str(exc)) from None


def fetch_published(scenario: Scenario, ctx: ProbeContext) -> tuple[PublishedKeys, list[ProbeResult]]:
    """Download the metadata documents this topology has; a download that fails becomes an ERROR finding."""
    topology = scenario.topology
    urls: list[str] = []
    if topology.exchange_on_prem and topology.exchange_has_oauth:
        urls.append(scenario.exchange_metadata_url)
    if topology.sfb_on_prem:
        urls.extend(scenario.sfb_metadata_urls)
    net = Net(ctx)
    documents: list[PublishedDocument] = []
    problems: list[ProbeResult] = []
    for url in urls:
        try:
            documents.append(from_auth_metadata(fetch_metadata(net, url), url))
        except (NetError, MetadataDocumentError) as exc:
            problems.append(finding("live-metadata", Phase.PARTNER_APPLICATIONS, Status.ERROR,
                                    "Metadata document download", f"{url}: {exc}",
                                    "Check the URL with verify (probes) first; the comparison with the collected "
                                    "certificates needs the document.", target=url))
    return PublishedKeys(tuple(documents)), problems
