"""What `analyze` loaded but did not use, and why: so a clean report is not mistaken for a checked one.

A file of a kind this wizard does not read, an older file another one replaces, a file for a product the
scenario does not have, and records no check can use (a key credential without a thumbprint, an
application that is not part of this integration, a cmdlet's answer that was not collected) are listed with
their file and the reason, in the text report and under `unused` in `--json`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wizard.inside.collected import (
    CollectedData,
    Collection,
    ExchangeCollection,
    ExoCollection,
    GraphCollection,
    SfbCollection,
    UnknownCollectorError,
    combine,
    read_collected_file,
)
from wizard.inside.rules import dedicated_hybrid_app_id, sfb_exchange_apps
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.safe_text import clean_line
from wizard.scenario import Scenario
from wizard.topology import ExchangeKind

_EXCHANGE_PARTNERS = frozenset({SFB_SERVICE_ID, EXCHANGE_SERVICE_ID, TEAMS_SCHEDULER_APP_ID, CLOUD_VOICEMAIL_APP_ID})


@dataclass(frozen=True)
class Unused:
    """One file (record '') or one record of a file that no check used, and why."""

    source: str
    record: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"file": clean_line(self.source), "record": clean_line(self.record), "reason": clean_line(self.reason)}

    def line(self) -> str:
        where = f"{self.source}: {self.record}" if self.record else self.source
        return f"{clean_line(where)}: {clean_line(self.reason)}"


@dataclass(frozen=True)
class Loaded:
    """The files read (each as its record), and the ones skipped as of an unknown kind."""

    items: tuple[Collection, ...]
    unknown: tuple[Unused, ...]

    @property
    def collected(self) -> CollectedData:
        return combine(self.items)


def read_files(paths: Iterable[str | os.PathLike[str]]) -> Loaded:
    """Read every file; one of an unknown collector kind is listed, anything else wrong raises CollectedFileError."""
    items: list[Collection] = []
    unknown: list[Unused] = []
    for path in paths:
        try:
            items.append(read_collected_file(path))
        except UnknownCollectorError as exc:
            text = str(exc)
            unknown.append(Unused(str(path), "", "unknown file: " + text.removeprefix(f"{path}: ")))
    return Loaded(tuple(items), tuple(unknown))


def _kind(item: Collection) -> str:
    return {ExchangeCollection: "Exchange", SfbCollection: "Skype for Business", GraphCollection: "Microsoft Graph",
            ExoCollection: "Exchange Online"}[type(item)]


def superseded(items: Sequence[Collection], collected: CollectedData) -> list[Unused]:
    """Files combine() replaced by a newer one of the same kind (per Front End for SfB)."""
    found: list[Unused] = []
    kept_sfb = {id(c) for c in collected.sfb}
    for item in items:
        if isinstance(item, SfbCollection) and id(item) not in kept_sfb:
            newer = next(c for c in collected.sfb
                         if (c.computer_fqdn or c.computer).lower() == (item.computer_fqdn or item.computer).lower())
            found.append(Unused(item.source, "", f"superseded: {newer.source} was collected later on the same "
                                f"Front End ({newer.collected_at:%Y-%m-%d %H:%M} UTC)"))
        elif isinstance(item, GraphCollection | ExoCollection):
            kept = collected.graph if isinstance(item, GraphCollection) else collected.exo
            if kept is not None and kept is not item:
                found.append(Unused(item.source, "", f"superseded: {kept.source} is a newer {_kind(item)} "
                                    f"collector output ({kept.collected_at:%Y-%m-%d %H:%M} UTC)"))
    exchange = sorted((i for i in items if isinstance(i, ExchangeCollection)), key=lambda c: c.collected_at,
                      reverse=True)
    seen: set[str] = set()
    for index, item in enumerate(exchange):
        servers = {c.server.lower() for c in item.certificates}
        if index > 0:
            newest = exchange[0].source
            if servers <= seen:
                found.append(Unused(item.source, "", f"superseded: {newest} is newer and the newer files hold the "
                                    "certificates of every server this one reached"))
            else:
                found.append(Unused(item.source, "organisation settings", f"superseded by the newer {newest}; only "
                                    "the certificates of servers no newer file reached were used ("
                                    + ", ".join(sorted(servers - seen)) + ")"))
        seen |= servers
    return found


def outside_scenario(collected: CollectedData, scenario: Scenario) -> list[Unused]:
    """Files for a product the scenario does not have (their checks do not apply)."""
    topology = scenario.topology
    found: list[Unused] = []
    if collected.exchange is not None and not topology.exchange_on_prem:
        found.append(Unused(collected.exchange.source, "", f"a file for a product not in the scenario: "
                            f"{topology.label} has no Exchange Server"))
    if not topology.sfb_on_prem:
        found += [Unused(s.source, "", f"a file for a product not in the scenario: {topology.label} has no "
                         "Skype for Business Server") for s in collected.sfb]
    exo = collected.exo
    if exo is not None:
        if not topology.exchange_online_mailboxes:
            found.append(Unused(exo.source, "", f"a file for a product not in the scenario: {topology.label} has "
                                "no Exchange Online mailboxes"))
        elif not (topology.sfb_on_prem or topology.exchange is ExchangeKind.HYBRID):
            found.append(Unused(exo.source, "", "no check reads Exchange Online's EWS settings for "
                                f"{topology.label}: nothing on premises calls EWS in Exchange Online"))
    graph = collected.graph
    if graph is not None and not graph.tenant_id and not topology.involves_tenant:
        found.append(Unused(graph.source, "", f"the file names no tenant and {topology.label} involves none"))
    return found


def unused_records(collected: CollectedData, scenario: Scenario) -> list[Unused]:
    """Records no check can use: fields missing, or not part of this integration."""
    found: list[Unused] = []
    topology = scenario.topology
    exchange = collected.exchange
    if exchange is not None and topology.exchange_on_prem:
        if exchange.auth_config is None and topology.exchange_has_oauth:
            found.append(Unused(exchange.source, "auth_config", "fields missing: Get-AuthConfig's answer was not "
                                "collected, so the auth certificate checks were skipped"))
        for app in exchange.partner_applications:
            if app.application_identifier not in _EXCHANGE_PARTNERS:
                found.append(Unused(exchange.source, f"partner application {app.name}",
                                    f"not part of this integration (ApplicationIdentifier "
                                    f"{app.application_identifier or '(none)'})"))
    for sfb in collected.sfb if topology.sfb_on_prem else ():
        if sfb.oauth_configuration is None:
            found.append(Unused(sfb.source, "oauth_configuration", "fields missing: Get-CsOAuthConfiguration's "
                                "answer was not collected, so the OAuth configuration checks were skipped"))
        exchange_apps = {id(a) for a in sfb_exchange_apps(sfb)}
        for sfb_app in sfb.partner_applications:
            if id(sfb_app) not in exchange_apps:
                found.append(Unused(sfb.source, f"partner application {sfb_app.identity}",
                                    f"not part of this integration (ApplicationIdentifier "
                                    f"{sfb_app.application_identifier or '(none)'})"))
    graph = collected.graph
    if graph is not None:
        for principal in graph.service_principals:
            for key in principal.key_credentials:
                if not key.thumbprint:
                    found.append(Unused(graph.source, f"{principal.display_name or principal.app_id} key "
                                        f"{key.key_id or key.display_name}",
                                        "fields missing: its CustomKeyIdentifier is not a SHA-1 thumbprint, so it "
                                        "cannot be matched to an on-premises certificate"))
        wanted = dedicated_hybrid_app_id(exchange, scenario.tenant_id) if exchange is not None else ""
        for application in graph.applications or ():
            if application.app_id != wanted:
                why = ("no Exchange collector output names a dedicated hybrid application" if not wanted else
                       f"not the dedicated Exchange hybrid application the evoSTS auth server names ({wanted})")
                found.append(Unused(graph.source, f"application {application.display_name or application.app_id}",
                                    why))
    return found


def find_unused(loaded: Loaded, collected: CollectedData, scenario: Scenario) -> tuple[Unused, ...]:
    """Every file or record loaded and not used, in file order."""
    return (*loaded.unknown, *superseded(loaded.items, collected), *outside_scenario(collected, scenario),
            *unused_records(collected, scenario))
