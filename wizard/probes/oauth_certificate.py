"""Which SfB OAuthTokenIssuer certificate the certificate rules judge, found once per run.

A file the admin names wins (.cer/.crt/.pem/.pfx; the PFX password comes from the ProbeContext and is
never stored); else, on Windows, the thumbprint in LocalMachine\\My; else the certificate the first pool
publishes in its metadata document.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from wizard.probes.context import ProbeContext
from wizard.probes.formats.certificate import CertificateFacts, load_certificate_file, load_from_windows_store
from wizard.probes.net.errors import NetError
from wizard.scenario import Scenario


@dataclass(frozen=True)
class ChosenCertificate:
    facts: CertificateFacts | None
    source: str  # where it came from, for the evidence
    problem: str = ""  # why there is none (facts is None)
    note: str = ""  # e.g. why the thumbprint could not be used on this platform
    failed_to_load: bool = False  # the admin's file/thumbprint could not be read (a finding, not a skip)


def chosen_certificate(scenario: Scenario, ctx: ProbeContext) -> ChosenCertificate:
    key = ("oauth-certificate", scenario.oauth_certificate, scenario.oauth_certificate_thumbprint,
           tuple(scenario.pool_fqdns))
    return ctx.memo(key, lambda: _choose(scenario, ctx))


def _choose(scenario: Scenario, ctx: ProbeContext) -> ChosenCertificate:
    if scenario.oauth_certificate:
        source = f"file {scenario.oauth_certificate}"
        try:
            return ChosenCertificate(load_certificate_file(scenario.oauth_certificate, ctx.certificate_password),
                                     source)
        except NetError as exc:
            return ChosenCertificate(None, source, str(exc), failed_to_load=True)
    note = ""
    if scenario.oauth_certificate_thumbprint:
        source = f"LocalMachine\\My\\{scenario.oauth_certificate_thumbprint}"
        if sys.platform == "win32":
            try:
                return ChosenCertificate(load_from_windows_store(scenario.oauth_certificate_thumbprint), source)
            except NetError as exc:
                return ChosenCertificate(None, source, str(exc), failed_to_load=True)
        note = ("The LocalMachine\\My store can only be read on Windows; checking the certificate the pool "
                "publishes instead.")
    return _published(scenario, ctx, note)


def _published(scenario: Scenario, ctx: ProbeContext, note: str) -> ChosenCertificate:
    from wizard.probes.base import Net
    from wizard.probes.metadata import fetch_metadata

    if not scenario.pool_fqdns:
        return ChosenCertificate(None, "none", "no certificate file, thumbprint or pool was given", note)
    url = scenario.sfb_metadata_url
    source = f"published in {url}"
    try:
        document = fetch_metadata(Net(ctx), url)
    except NetError as exc:
        return ChosenCertificate(None, source, f"could not read the published certificate: {exc}", note)
    if not document.certificates:
        return ChosenCertificate(None, source, f"{url} publishes no readable certificate", note)
    return ChosenCertificate(document.certificates[0], source, "", note)


def expected_thumbprint(scenario: Scenario, chosen: ChosenCertificate) -> str:
    """The thumbprint the admin asked for: of the file/store certificate, else the typed thumbprint ('' if none)."""
    if chosen.facts is not None and not chosen.source.startswith("published"):
        return chosen.facts.thumbprint
    return re.sub(r"[^0-9A-Fa-f]", "", scenario.oauth_certificate_thumbprint).upper()
