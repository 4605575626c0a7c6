"""What Exchange Online's retirement of EWS means for a topology on a given day.

Exchange Online turns Exchange Web Services off in two steps (1 October 2026 for tenants that left
EWSEnabled unset, 1 April 2027 for every tenant); Exchange Server keeps EWS. Skype for Business
Server and its clients reach mailboxes through EWS, so its users whose mailboxes are in Exchange
Online lose those features; an Exchange hybrid's own coexistence used EWS too. Every statement
carries its source and how sure we are of it (the labels of docs/facts/features.md).

The API is one call: `ews_impact(topology, on)` returns a frozen `EwsImpact` (the start page's
feature view and verify's summary show its headline, features, timeline, advice and unknowns).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from wizard.topology import ExchangeVersion, Topology


class Label(StrEnum):
    """How sure a statement is (as in /docs/facts): read in Microsoft's text, only in summaries, or inferred."""

    VERIFIED = "VERIFIED"
    THIRD_PARTY = "3RD-PARTY"
    UNVERIFIED = "UNVERIFIED"


class EwsPhase(StrEnum):
    """Where Exchange Online's EWS stands on a day."""

    ON = "on"  # before 1 October 2026
    ALLOW_LIST_ONLY = "allow-list-only"  # 1 October 2026 to 31 March 2027
    OFF = "off"  # from 1 April 2027


DEFAULT_OFF = dt.date(2026, 10, 1)
ALL_OFF = dt.date(2027, 4, 1)

RETIREMENT_SOURCE = (
    "third-party summaries quoting Microsoft 365 message center post MC1227454 \"Exchange Web Services (EWS) "
    "retirement update\" (February 2026) and the Exchange Team blog's EWS retirement posts of February and June "
    "2026 (\"Exchange Online EWS, Your Time is Almost Up\"; first announced in \"Retirement of Exchange Web "
    "Services in Exchange Online\", September 2023); Microsoft's own text of them could not be checked")
SET_ORGANIZATION_CONFIG = (
    "Microsoft Learn \"Set-OrganizationConfig\" (https://learn.microsoft.com/powershell/module/exchange/"
    "set-organizationconfig), parameters EwsEnabled and EwsAllowedAppIDs")
LYNC_EXCHANGE_2013 = (
    "Microsoft support \"Integrate Exchange Server 2013 with Lync Server 2013, Skype for Business Online, or a "
    "Lync Server 2013 hybrid deployment\", Summary: \"Connectivity with Exchange Web Services (EWS) provides\" "
    "Outlook integration, Free/Busy, OOF messages, conversation history, high resolution contact photos, unified "
    "contact store")
TEAMS_EXCHANGE_SERVER = (
    "Microsoft support \"Resolve interaction issues between Teams and Exchange Server\"; Exchange Team blog "
    "\"Configuring Teams calendar access for Exchange on-premises mailboxes\" (June 2020)")
HYBRID_GRAPH_SOURCE = (
    "third-party summaries of the May 2026 Exchange Server SE hotfix (hybrid rich coexistence moves from EWS to "
    "Microsoft Graph, to be installed by October 2026 and completed by April 2027)")
SET_ORGANIZATION_CONFIG_CITED = 'Microsoft Learn "Set-OrganizationConfig"'
RETIREMENT_CITED = "summaries of message center post MC1227454 and the Exchange Team blog's 2026 EWS posts"
DEDICATED_HYBRID_APP = (
    "Microsoft Learn \"Deploy dedicated Exchange hybrid app\"; microsoft/CSS-Exchange "
    "docs/Hybrid/ConfigureExchangeHybridApplication.md")


@dataclass(frozen=True)
class Milestone:
    """A date of the retirement, what happens then, and where that comes from."""

    on: dt.date
    what: str
    source: str
    label: Label

    def line(self, today: dt.date) -> str:
        """'1 October 2026 (passed): ... [3RD-PARTY: ...]'."""
        when = f"{self.on.day} {self.on:%B %Y}"
        tense = "passed" if today >= self.on else "ahead"
        return f"{when} ({tense}): {self.what} [{self.label}: {self.source}]"


def _cited(label: Label, source: str) -> str:
    return f"[{label}: {source}]"


MILESTONES: tuple[Milestone, ...] = (
    Milestone(DEFAULT_OFF,
              "Exchange Online sets EWSEnabled to False, tenant by tenant, where it was left unset, so EWS is off "
              "there; tenants that set EWSEnabled to True keep EWS only for the application IDs in EWSAllowedAppIDs "
              "(the same summaries report that Microsoft pre-filled allow lists in September 2026 for tenants that "
              "made none, so read your tenant's setting).",
              RETIREMENT_CITED, Label.THIRD_PARTY),
    Milestone(ALL_OFF,
              "EWS in Exchange Online is off for every tenant, with no exceptions; the admin settings go away.",
              RETIREMENT_CITED, Label.THIRD_PARTY),
)
EXCHANGE_SERVER_UNAFFECTED = (
    "Exchange Server (on premises) keeps EWS; the retirement is Exchange Online's only "
    f"{_cited(Label.THIRD_PARTY, RETIREMENT_CITED)}.")
ALLOW_LIST_SEMANTICS = (
    "With EwsEnabled $true only the applications listed in EwsAllowedAppIDs reach EWS; with $false all EWS access "
    "is blocked; with $null (not configured) the list has no effect "
    f"{_cited(Label.VERIFIED, SET_ORGANIZATION_CONFIG_CITED)}.")


@dataclass(frozen=True)
class EwsFeature:
    """An integration feature that reaches an Exchange Online mailbox through EWS, and how we know."""

    id: str  # the feature's row id in resources/features.json where it is a table row
    name: str
    how: str
    source: str
    label: Label


SFB_SERVER_EWS_FEATURES: tuple[EwsFeature, ...] = (
    EwsFeature("calendar-status", "Publish status based on Outlook calendar free/busy information",
               "the Skype for Business client reads free/busy and out-of-office through EWS",
               LYNC_EXCHANGE_2013, Label.VERIFIED),
    EwsFeature("unified-contact-store", "Contact List (via Unified Contact Store)",
               "the contact list is kept in the mailbox through EWS", LYNC_EXCHANGE_2013, Label.VERIFIED),
    EwsFeature("high-resolution-photo", "High-resolution Contact Photo",
               "photos are read from the mailbox through EWS", LYNC_EXCHANGE_2013, Label.VERIFIED),
    EwsFeature("missed-conversations",
               "Missed Conversations history and Call Logs are written to user's exchange mailbox",
               "conversation history goes to the mailbox through EWS", LYNC_EXCHANGE_2013, Label.VERIFIED),
    EwsFeature("server-conversation-history", "Server Side Conversation History",
               "conversation history goes to the mailbox through EWS", LYNC_EXCHANGE_2013, Label.VERIFIED),
    EwsFeature("exchange-archiving", "Archiving Content (IM and Meeting) in Exchange",
               "the Front End's storage service writes transcripts to the mailbox over EWS (inferred: it is the "
               "service Test-CsExStorageConnectivity tests, whose errors are EWS SOAP faults)",
               "no Microsoft text names the protocol; inferred from the storage service", Label.UNVERIFIED),
    EwsFeature("archive-search", "Search archived content",
               "depends on the archived transcripts above", "follows from Archiving Content", Label.UNVERIFIED),
)
EXCHANGE_HYBRID_EWS_FEATURE = EwsFeature(
    "exchange-hybrid-coexistence",
    "Free/busy, MailTips and photos between Exchange Server and Exchange Online mailboxes (hybrid coexistence)",
    "Exchange Server and Exchange Online call each other's EWS for these (Microsoft blocked that EWS through the "
    "shared service principal after October 2025: the dedicated hybrid application carries it)",
    DEDICATED_HYBRID_APP, Label.VERIFIED)


@dataclass(frozen=True)
class EwsImpact:
    """What the retirement means for one topology on one day.

    affected: some integration feature of the topology reaches Exchange Online mailboxes through EWS.
    headline: one sentence for the day asked about. features: the names of those features.
    timeline: the dates, each with its source and label. advice: what to check or decide.
    sources: every source the answer rests on. unknowns: what no source answers.
    """

    affected: bool
    headline: str
    features: tuple[str, ...]
    timeline: tuple[str, ...]
    advice: str
    sources: tuple[str, ...]
    unknowns: tuple[str, ...] = ()


def ews_phase(on: dt.date) -> EwsPhase:
    """Exchange Online's EWS on a day, by the announced dates."""
    if on >= ALL_OFF:
        return EwsPhase.OFF
    if on >= DEFAULT_OFF:
        return EwsPhase.ALLOW_LIST_ONLY
    return EwsPhase.ON


def ews_features(topology: Topology) -> tuple[EwsFeature, ...]:
    """The topology's integration features that go through EWS in Exchange Online (empty without such mailboxes)."""
    if not topology.exchange_online_mailboxes:
        return ()
    found: tuple[EwsFeature, ...] = ()
    if topology.sfb_on_prem:
        found += SFB_SERVER_EWS_FEATURES
    if topology.exchange_on_prem:  # a hybrid: the two Exchange organisations talk to each other
        found += (EXCHANGE_HYBRID_EWS_FEATURE,)
    return found


def ews_caveat(topology: Topology, feature_id: str, on: dt.date) -> str:
    """One sentence for a feature row whose Exchange Online half goes through EWS; '' when it does not."""
    if not any(f.id == feature_id for f in ews_features(topology)):
        return ""
    phase = ews_phase(on)
    if phase is EwsPhase.ON:
        state = "which Exchange Online turns off from 1 October 2026 unless EWSEnabled is set"
    elif phase is EwsPhase.ALLOW_LIST_ONLY:
        state = ("which Exchange Online has turned off since 1 October 2026 unless EWSEnabled is True with an "
                 "allow list, and turns off for every tenant on 1 April 2027")
    else:
        state = ("which Exchange Online has turned off for every tenant since 1 April 2027 (no source says whether "
                 "Skype for Business Server's access survives)")
    return (f"For mailboxes in Exchange Online it goes through EWS, {state} (dates from summaries of Microsoft's "
            "announcements; see the EWS retirement note).")


def _headline(topology: Topology, features: tuple[EwsFeature, ...], on: dt.date) -> str:
    if not topology.exchange_online_mailboxes:
        return ("Exchange Online's EWS retirement does not touch this topology: every mailbox is on Exchange "
                "Server, which keeps EWS.")
    if not features:
        return ("No integration feature of this topology goes through EWS in Exchange Online; only your own or "
                "third-party applications that use EWS are affected.")
    count = f"{len(features)} integration feature{'s' if len(features) != 1 else ''} of this topology"
    hedge = ("(dates from third-party summaries of Microsoft's announcements; Get-OrganizationConfig | Format-List "
             "EwsEnabled shows your tenant's actual state)")
    phase = ews_phase(on)
    if phase is EwsPhase.ON:
        return (f"From 1 October 2026 Exchange Online turns EWS off, tenant by tenant, where EWSEnabled was left "
                f"unset, and from 1 April 2027 in every tenant {hedge}: {count} reach Exchange Online mailboxes "
                "through EWS.")
    if phase is EwsPhase.ALLOW_LIST_ONLY:
        return (f"Since 1 October 2026 Exchange Online has been turning EWS off, tenant by tenant, where EWSEnabled "
                f"was left unset (where it is True, only the applications in EWSAllowedAppIDs get through); on 1 April "
                f"2027 it goes off in every tenant {hedge}. {count} reach Exchange Online mailboxes through EWS.")
    return (f"Since 1 April 2027 EWS in Exchange Online is off in every tenant {hedge}: {count} reached Exchange "
            "Online mailboxes through EWS and can be expected to fail there.")


def _advice(topology: Topology, features: tuple[EwsFeature, ...], on: dt.date) -> str:
    parts: list[str] = []
    phase = ews_phase(on)
    sfb_to_cloud = topology.sfb_on_prem and topology.exchange_online_mailboxes
    if sfb_to_cloud and phase is not EwsPhase.OFF:
        parts.append(
            "In Exchange Online read the tenant's setting: Get-OrganizationConfig | Format-List EwsEnabled, and "
            "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy for EwsAllowedAppIDs. "
            + ("EwsEnabled unset becomes False on 1 October 2026. " if phase is EwsPhase.ON else
               "False means the features above do not reach Exchange Online mailboxes now; ")
            + "True with an allow list lets only the listed application IDs through (no Microsoft document names "
              "the ones Skype for Business Server and its clients use, so test a user with an Exchange Online "
              "mailbox after any change).")
    if sfb_to_cloud:
        parts.append(
            "Before 1 April 2027 decide where these users go: keep the mailboxes of Skype for Business Server "
            "users on Exchange Server, or move the users to Teams (TeamsOnly); no source says Skype for Business "
            "Server's access to Exchange Online mailboxes survives that date."
            if phase is not EwsPhase.OFF else
            "Keep the mailboxes of Skype for Business Server users on Exchange Server, or move the users to Teams "
            "(TeamsOnly).")
    if topology.exchange_on_prem and topology.exchange_online_mailboxes:
        current = ("keep Exchange Server SE on its current update" if topology.exchange_version is ExchangeVersion.SE
                   else "move to Exchange Server SE and keep it current")
        parts.append(
            "Exchange hybrid: finish the dedicated Exchange hybrid application (Hybrid Configuration Wizard or "
            f"ConfigureExchangeHybridApplication.ps1) and {current}: summaries report that its May 2026 update "
            "moves hybrid free/busy, MailTips and photos from EWS to Microsoft Graph "
            f"{_cited(Label.THIRD_PARTY, HYBRID_GRAPH_SOURCE)}.")
    if topology.teams_users and topology.exchange_on_prem:
        parts.append(
            "For Teams with mailboxes on Exchange Server nothing changes with the retirement, but on-premises EWS "
            "must stay reachable: EwsEnabled must not be off for the users, and where an EWS application allow "
            "list is enforced it must admit *SchedulingService*.")
    if not features and not parts:
        parts.append("Nothing to change for this topology's integration features.")
    if topology.exchange_online_mailboxes and not features:
        parts.append("Check your own and third-party applications that use EWS against EwsAllowedAppIDs.")
    return " ".join(parts)


def _unknowns(topology: Topology) -> tuple[str, ...]:
    out: list[str] = []
    if topology.sfb_on_prem and topology.exchange_online_mailboxes:
        out.append("Whether Skype for Business Server's access to Exchange Online mailboxes (contact list, "
                   "conversation history, archiving, calendar presence, photos) survives 1 April 2027: no source "
                   "found.")
        out.append("Which application IDs Skype for Business Server and its clients present to Exchange Online's "
                   "EWS, for EWSAllowedAppIDs: no Microsoft document found.")
    if topology.teams_users and topology.exchange_on_prem:
        out.append(f"That Teams's way to on-premises mailboxes (Exchange Online's Autodiscover v2, then your "
                   f"Exchange Server's EWS) is untouched is an inference [{Label.UNVERIFIED}]: the announcements "
                   "exempt Exchange Server, and no Microsoft text says how this Teams path is treated.")
    return tuple(out)


def ews_impact(topology: Topology, on: dt.date) -> EwsImpact:
    """The retirement's meaning for this topology on `on` (pass the day you report for; no hidden clock)."""
    features = ews_features(topology)
    timeline = (*(m.line(on) for m in MILESTONES), EXCHANGE_SERVER_UNAFFECTED, ALLOW_LIST_SEMANTICS)
    sources = [RETIREMENT_SOURCE, SET_ORGANIZATION_CONFIG]
    sources += [f.source for f in features if f.label is not Label.UNVERIFIED]
    if topology.teams_users and topology.exchange_on_prem:
        sources.append(TEAMS_EXCHANGE_SERVER)
    if topology.exchange_on_prem and topology.exchange_online_mailboxes:
        sources.append(HYBRID_GRAPH_SOURCE)
    return EwsImpact(
        affected=bool(features),
        headline=_headline(topology, features, on),
        features=tuple(f.name for f in features),
        timeline=timeline,
        advice=_advice(topology, features, on),
        sources=tuple(dict.fromkeys(sources)),
        unknowns=_unknowns(topology),
    )
