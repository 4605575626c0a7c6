"""Which integration features work for a topology today, answered from Microsoft's published tables.

The tables live as data in resources/features.json, cell text exactly as published: the "Feature
support" table of Microsoft Learn "Plan to integrate Skype for Business and Exchange" (its June 2025
revision, and the earlier one with the retired Skype for Business Online columns, kept as history),
the Lync Server 2013 table of the Microsoft support article on Exchange 2013 and Lync 2013, the
"Actions supported" table of "How Exchange and Microsoft Teams interact" and the interoperability
table of "Plan Cloud Voicemail service for on-premises users". This module answers each feature per
group of users (homed on SfB Server or in Teams, mailbox on Exchange Server or in Exchange Online)
and says where it reads a table beyond its letter (SE versions, retired services, EWS retirement).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from wizard.ews_retirement import ews_caveat
from wizard.lifecycle import today
from wizard.resources import load_json
from wizard.topology import EXCHANGE_NAMES, SFB_NAMES, ExchangeVersion, SfbKind, SfbVersion, Topology

if TYPE_CHECKING:  # for the types only: scenario.py does not import this module, nor this one it at run time
    from wizard.scenario import Scenario

FEATURES_RESOURCE = "features.json"
SCHEMA = "sfb-exchange-wizard/features"
UM_FEATURE_ID = "exchange-um-voicemail"
TEAMS_MEETINGS_ID = "meetings"
CLOUD_VOICEMAIL = "Cloud Voicemail"

SFB_TABLE = "sfb-exchange"
SFB_TABLE_BEFORE_2025 = "sfb-exchange-before-2025"
LYNC_2013_TABLE = "lync-2013-exchange-2013"
TEAMS_TABLE = "teams-exchange"
CLOUD_VOICEMAIL_TABLE = "cloud-voicemail"

EXCHANGE_SE_READING = "Exchange Server SE is read like Exchange Server 2019 (it is the code of 2019 CU15)."
SFB_SE_READING = ("Skype for Business Server SE is read like Skype for Business Server 2019 (the same code; the "
                  "table has no Subscription Edition row).")
LYNC_2013_READING = ("The June 2025 revision is written for Skype for Business Server 2015, 2019 and SE; Lync "
                     "Server 2013 is read the same way.")
NO_OAUTH_2010 = "Exchange 2010 has no server-to-server OAuth (no partner applications)"

_NEED_EXCHANGE = re.compile(r"^Y \((?:need )?Exchange (?P<versions>[0-9/]+)(?: only)?\)$")
_TEAMS_CELL = re.compile(r"^(?P<word>Yes|No) ?(?:<sup>(?P<notes>[0-9,]+)</sup>)?$")
_YES = {"Y", "Supported", CLOUD_VOICEMAIL}
_NO = {"N", "Not supported", "Not Supported", "Exchange Server UM"}


class FeatureTableError(ValueError):
    """The bundled feature table is malformed (a build problem, not a user error)."""


@dataclass(frozen=True)
class GroupAnswer:
    """A feature's answer for one group of users (e.g. homed on SfB Server 2019 with mailboxes in Exchange Online)."""

    users: str
    supported: bool
    why: str
    source: str


@dataclass(frozen=True)
class FeatureSupport:
    """One feature for one topology: does it work for every user, and why (quoting the table and any reading).

    `groups` holds the answer per group of users where the topology has several (hybrids); `supported` is True
    only when every group has the feature. `history` says what an earlier revision of the table said.
    """

    feature: str
    supported: bool
    why: str
    source: str
    groups: tuple[GroupAnswer, ...] = ()
    history: str = ""

    @property
    def name(self) -> str:
        return self.feature


@dataclass(frozen=True)
class Document:
    """A published document the tables come from."""

    id: str
    title: str
    publisher: str
    address: str

    @property
    def cited(self) -> str:
        """'Microsoft Learn "Title" (https://...)'."""
        where = f" ({self.address})" if self.address else ""
        return f'{self.publisher} "{self.title}"{where}'


@dataclass(frozen=True)
class Cell:
    """A table cell as published plus what it means.

    In the Cloud Voicemail table a cell is `supported` when it names Cloud Voicemail as the voicemail for the pair.
    """

    text: str
    supported: bool
    needs_exchange: tuple[str, ...] = ()  # "Y (need Exchange 2016/2013)" -> ("2016", "2013")
    on_prem_homed_only: bool = False  # the Lync 2013 table's "Supported*"
    footnotes: tuple[str, ...] = ()  # "Yes <sup>1,9</sup>" -> ("1", "9")

    @property
    def plain(self) -> str:
        """The cell without its footnote markup: 'Yes <sup>1,9</sup>' -> 'Yes'."""
        return self.text.split("<sup>")[0].strip()


@dataclass(frozen=True)
class Column:
    id: str
    heading: str


@dataclass(frozen=True)
class FeatureRow:
    id: str
    name: str
    condition: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class FeatureTable:
    id: str
    document: Document
    caption: str
    revision: str
    columns: tuple[Column, ...]
    features: tuple[FeatureRow, ...]
    notes: dict[str, str]
    footnotes: dict[str, str]

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def row(self, row_id: str) -> FeatureRow:
        return next(r for r in self.features if r.id == row_id)

    @property
    def title(self) -> str:
        """'"Plan to integrate Skype for Business and Exchange" (revision of 26 June 2025)' for the why texts."""
        revision = f" ({self.revision})" if self.revision else ""
        return f'"{self.document.title}"{revision}'

    def source(self, row: FeatureRow | None = None, column_id: str | None = None) -> str:
        """The full citation: document with address, table caption, revision, row and column."""
        parts = [self.document.cited, f'table "{self.caption}"']
        if self.revision:
            parts.append(self.revision)
        if row is not None:
            parts.append(f'row "{row.name}"')
        if column_id is not None:
            parts.append(f'column "{self.column(column_id).heading}"')
        return ", ".join(parts)


def parse_cell(text: str) -> Cell:
    """Read one published cell: Y, N, Y (need Exchange a/b), Y (Exchange 2016 only), Supported, Not supported,
    Supported*, Yes/No with footnote markers, and the Cloud Voicemail table's Cloud Voicemail / Exchange Server UM."""
    if text in _YES:
        return Cell(text, True)
    if text in _NO:
        return Cell(text, False)
    if text == "Supported*":
        return Cell(text, True, on_prem_homed_only=True)
    match = _NEED_EXCHANGE.match(text)
    if match:
        return Cell(text, True, needs_exchange=tuple(match.group("versions").split("/")))
    match = _TEAMS_CELL.match(text)
    if match:
        notes = tuple(match.group("notes").split(",")) if match.group("notes") else ()
        return Cell(text, match.group("word") == "Yes", footnotes=notes)
    raise FeatureTableError(f"unknown feature table cell {text!r}")


def _table_from(data: dict[str, Any], documents: dict[str, Document]) -> FeatureTable:
    try:
        columns = tuple(Column(c["id"], c["heading"]) for c in data["columns"])
        ids = [c.id for c in columns]
        rows = []
        for row in data["features"]:
            if sorted(row["cells"]) != sorted(ids):
                raise FeatureTableError(f"table {data['id']}, feature {row['id']}: cells do not match the columns")
            rows.append(FeatureRow(row["id"], row["name"], row.get("condition", ""),
                                   {cid: parse_cell(row["cells"][cid]) for cid in ids}))
        table = FeatureTable(
            id=data["id"], document=documents[data["document"]], caption=data["caption"],
            revision=data.get("revision", ""), columns=columns, features=tuple(rows),
            notes={n["id"]: n["text"] for n in data.get("notes", ())},
            footnotes={f["marker"]: f["text"] for f in data.get("footnotes", ())},
        )
    except (KeyError, TypeError) as exc:
        raise FeatureTableError(f"feature table is missing {exc}") from None
    for row in table.features:
        for cell in row.cells.values():
            missing = [n for n in cell.footnotes if n not in table.footnotes]
            if missing:
                raise FeatureTableError(f"table {table.id}, feature {row.id}: no footnote {', '.join(missing)}")
    return table


def tables_from(document: dict[str, Any]) -> dict[str, FeatureTable]:
    """Parse and check a features document (the bundled one, or a test's)."""
    if document.get("schema") != SCHEMA:
        raise FeatureTableError("not a feature table document")
    try:
        documents = {d["id"]: Document(d["id"], d["title"], d["publisher"], d.get("address", ""))
                     for d in document["documents"]}
        tables = [_table_from(table, documents) for table in document["tables"]]
    except (KeyError, TypeError) as exc:
        raise FeatureTableError(f"feature document is missing {exc}") from None
    return {t.id: t for t in tables}


@cache
def feature_tables() -> dict[str, FeatureTable]:
    """The bundled tables by id; parsed once, read-only."""
    return tables_from(load_json(FEATURES_RESOURCE))


# ----- the groups of users a topology has -----

class Mailbox(Enum):
    ON_PREMISES = "on-premises"
    ONLINE = "online"


@dataclass(frozen=True)
class _Group:
    users: str  # who they are, in words
    mailbox: Mailbox


def _mailboxes(t: Topology) -> list[tuple[Mailbox, str]]:
    out = []
    if t.exchange_version is not None:
        out.append((Mailbox.ON_PREMISES, f"mailboxes on {EXCHANGE_NAMES[t.exchange_version]}"))
    if t.exchange_online_mailboxes:
        out.append((Mailbox.ONLINE, "mailboxes in Exchange Online"))
    return out


def _sfb_groups(t: Topology) -> list[_Group]:
    if t.sfb_version is None:
        return []
    return [_Group(f"users homed on {SFB_NAMES[t.sfb_version]} with {words}", box) for box, words in _mailboxes(t)]


def _teams_groups(t: Topology) -> list[_Group]:
    if not t.teams_users:
        return []
    who = "Teams users" if t.sfb is SfbKind.TEAMS else "TeamsOnly users"
    return [_Group(f"{who} with {words}", box) for box, words in _mailboxes(t)]


def _combine(name: str, answers: list[GroupAnswer], history: str = "") -> FeatureSupport:
    """One feature from its group answers: supported only if every group has it; the why names each group."""
    supported = all(a.supported for a in answers)
    if len(answers) == 1:
        why = answers[0].why
    else:
        works = [a.users for a in answers if a.supported]
        lacks = [a.users for a in answers if not a.supported]
        lead = ("Works for every group of users." if supported else
                "Does not work for any group of users." if not works else
                f"Works for {'; '.join(works)}; not for {'; '.join(lacks)}.")
        why = " ".join([lead] + [f"For {a.users}: {a.why}" for a in answers])
    source = "; ".join(dict.fromkeys(a.source for a in answers))
    return FeatureSupport(name, supported, why, source, tuple(answers), history)


# ----- Skype for Business Server rows ("Plan to integrate Skype for Business and Exchange") -----

def _sfb_row_answer(t: Topology, row: FeatureRow, group: _Group, on: dt.date) -> GroupAnswer:
    table = feature_tables()[SFB_TABLE]
    online = group.mailbox is Mailbox.ONLINE
    column_id = "exchange-online+sfb-server" if online else "exchange-server+sfb-server"
    cell = row.cells[column_id]
    heading = table.column(column_id).heading
    supported = cell.supported
    why = f'{table.title} marks it "{cell.text}" for {heading}.'
    if row.id == UM_FEATURE_ID:
        supported, why = _um_answer(t, online, why)
    elif not online and t.exchange_version is ExchangeVersion.V2010 and _needed_2013_before_2025(row):
        supported = False
        why = (f"Needs Exchange 2013 or later: the earlier revision marked it \"Y (need Exchange 2016/2013)\" and "
               f"the June 2025 revision no longer covers Exchange 2010; {NO_OAUTH_2010}.")
    if t.sfb_version is SfbVersion.V2013:
        why += f" {LYNC_2013_READING}"
    if row.condition:
        why += f" ({row.condition})"
    if online and supported:
        caveat = ews_caveat(t, row.id, on)
        if caveat:
            why += f" {caveat}"
    return GroupAnswer(group.users, supported, why, table.source(row, column_id))


def _needed_2013_before_2025(row: FeatureRow) -> bool:
    earlier = feature_tables()[SFB_TABLE_BEFORE_2025].row(row.id)
    return bool(earlier.cells["exchange-server+sfb-server"].needs_exchange)


def _um_answer(t: Topology, online: bool, table_says: str) -> tuple[bool, str]:
    """Exchange UM is gone from Exchange 2019/SE and from Exchange Online, whatever the cell says."""
    plan = feature_tables()[SFB_TABLE]
    voicemail = feature_tables()[CLOUD_VOICEMAIL_TABLE]
    if online:
        return False, (f"{table_says} The same page notes that Microsoft retired Unified Messaging in Exchange "
                       f"Online, so that Y no longer holds; {voicemail.title} adds that \""
                       f"{voicemail.notes['sfb-2019-no-online-um']}\". For voicemail see Cloud Voicemail.")
    if t.exchange_2019_or_later:
        reading = f" {EXCHANGE_SE_READING}" if t.exchange_version is ExchangeVersion.SE else ""
        return False, (f"{table_says} {voicemail.title}: \"{voicemail.notes['no-um-2019']}\".{reading} "
                       "For voicemail see Cloud Voicemail.")
    if t.exchange_version is ExchangeVersion.V2016:
        return True, table_says
    return True, (f"{table_says} {plan.title} names only Exchange 2016 (the supported version when it was "
                  f"written); the earlier revision marked it Y for Exchange 2016/2013/2010 and {voicemail.title} "
                  "lists Exchange Server UM for Exchange 2013, so Exchange UM still serves this version.")


def _sfb_history(t: Topology, row: FeatureRow) -> str:
    """What the earlier revision said for this topology's Skype for Business Server columns."""
    earlier = feature_tables()[SFB_TABLE_BEFORE_2025]
    old = earlier.row(row.id)
    columns = []
    if t.exchange_on_prem:
        columns.append("exchange-server+sfb-server")
    if t.exchange_online_mailboxes:
        columns.append("exchange-online+sfb-server")
    said = "; ".join(f'"{old.cells[c].text}" for {earlier.column(c).heading}' for c in columns)
    return f'Before June 2025 "{earlier.document.title}" marked it {said}.'


def _sfb_features(t: Topology, on: dt.date) -> list[FeatureSupport]:
    groups = _sfb_groups(t)
    if not groups:
        return []
    table = feature_tables()[SFB_TABLE]
    return [_combine(row.name, [_sfb_row_answer(t, row, g, on) for g in groups], _sfb_history(t, row))
            for row in table.features]


# ----- Cloud Voicemail ("Plan Cloud Voicemail service for on-premises users") -----

def _voicemail_row_id(version: SfbVersion) -> str:
    return {SfbVersion.V2013: "lync-2013", SfbVersion.V2015: "sfb-2015"}.get(version, "sfb-2019")


def _voicemail_column_id(t: Topology, mailbox: Mailbox) -> str | None:
    if mailbox is Mailbox.ONLINE:
        return "exchange-online"
    return {ExchangeVersion.V2013: "exchange-2013", ExchangeVersion.V2016: "exchange-2016",
            ExchangeVersion.V2019: "exchange-2019", ExchangeVersion.SE: "exchange-2019"}.get(
        t.exchange_version or ExchangeVersion.V2010)


def _cloud_voicemail_answer(t: Topology, group: _Group) -> GroupAnswer:
    table = feature_tables()[CLOUD_VOICEMAIL_TABLE]
    assert t.sfb_version is not None
    row = table.row(_voicemail_row_id(t.sfb_version))
    column_id = _voicemail_column_id(t, group.mailbox)
    readings = []
    if t.sfb_version is SfbVersion.SE:
        readings.append(SFB_SE_READING)
    if group.mailbox is Mailbox.ON_PREMISES and t.exchange_version is ExchangeVersion.SE:
        readings.append(EXCHANGE_SE_READING)
    if column_id is None:
        supported = False
        says = (f"{table.title} lists no Exchange 2010 column: no source says Cloud Voicemail works with Exchange "
                "2010 mailboxes.")
    else:
        cell = row.cells[column_id]
        heading = table.column(column_id).heading
        supported = cell.supported
        if cell.supported:
            says = f"{table.title} names Cloud Voicemail for {row.name} with {heading}."
        elif cell.text == "Exchange Server UM":
            says = (f"{table.title} names Exchange Server UM, not Cloud Voicemail, as the voicemail for {row.name} "
                    f"with {heading} (see Exchange UM Voice Mail).")
        else:
            says = f'{table.title} marks {row.name} with {heading} "{cell.text}".'
    why = " ".join([says, *readings])
    if t.sfb is SfbKind.SERVER:
        supported = False
        why = (f"Needs hybrid connectivity between Skype for Business Server and Microsoft 365 ({table.title}, "
               f"Requirements: \"{table.notes['hybrid-connectivity']}\"); this topology has none (a Skype for "
               f"Business Server hybrid with Teams has it). {why}")
    return GroupAnswer(group.users, supported, why, table.source(row, column_id))


def _cloud_voicemail(t: Topology) -> list[FeatureSupport]:
    groups = _sfb_groups(t)
    if not groups:
        return []  # Teams users: the Teams rows' Voicemail answers them
    return [_combine(CLOUD_VOICEMAIL, [_cloud_voicemail_answer(t, g) for g in groups])]


# ----- Lync Server 2013 with Exchange Server 2013 (the Microsoft support article) -----

def _lync_2013_features(t: Topology) -> list[FeatureSupport]:
    """The support article's table, where its letter applies: Lync Server 2013 with Exchange 2013 mailboxes."""
    if t.sfb_version is not SfbVersion.V2013 or t.exchange_version is not ExchangeVersion.V2013:
        return []
    table = feature_tables()[LYNC_2013_TABLE]
    column_id = "lync-2013-hybrid" if t.sfb is SfbKind.HYBRID else "lync-2013-only"
    heading = table.column(column_id).heading
    users = f"users homed on {SFB_NAMES[SfbVersion.V2013]} with mailboxes on {EXCHANGE_NAMES[ExchangeVersion.V2013]}"
    answers = []
    for row in table.features:
        cell = row.cells[column_id]
        why = f'{table.title} says "{cell.text}" for "{heading}".'
        if cell.on_prem_homed_only:
            why += f" {table.footnotes['*']}"
        if t.sfb is SfbKind.HYBRID:
            why += (" Its online users were Skype for Business Online users (retired 31 July 2021); TeamsOnly users "
                    "are answered by the Teams rows.")
        answers.append(_combine(row.name, [GroupAnswer(users, cell.supported, why, table.source(row, column_id))]))
    return answers


# ----- Microsoft Teams rows ("How Exchange and Microsoft Teams interact") -----

def _teams_row_answer(t: Topology, row: FeatureRow, group: _Group) -> GroupAnswer:
    table = feature_tables()[TEAMS_TABLE]
    online = group.mailbox is Mailbox.ONLINE
    column_id = "exchange-online" if online else "exchange-on-premises"
    cell = row.cells[column_id]
    heading = table.column(column_id).heading
    why = f'{table.title} marks it "{cell.plain}" for mailboxes hosted in {heading}.'
    why += "".join(f" Footnote {n}: {table.footnotes[n]}" for n in cell.footnotes)
    supported = cell.supported
    if row.id == TEAMS_MEETINGS_ID and not online:
        supported, why = _teams_meetings_on_premises(t, why, table)
    return GroupAnswer(group.users, supported, why, table.source(row, column_id))


def _teams_meetings_on_premises(t: Topology, why: str, table: FeatureTable) -> tuple[bool, str]:
    """Teams calendar with on-premises mailboxes needs Exchange 2016 CU3 or later and the Teams <-> Exchange OAuth."""
    requirements = table.notes["on-premises-meetings"]
    version = t.exchange_version
    if version in (ExchangeVersion.V2010, ExchangeVersion.V2013):
        extra = f"; {NO_OAUTH_2010}" if version is ExchangeVersion.V2010 else ""
        return False, (f"Needs Exchange Server 2016 CU3 or later: {why} {requirements} This mailbox is on "
                       f"{EXCHANGE_NAMES[version]}{extra}.")
    detail = {ExchangeVersion.V2016: " Exchange Server 2016 needs CU3 or later.",
              ExchangeVersion.SE: f" {EXCHANGE_SE_READING}"}.get(version or ExchangeVersion.V2019, "")
    return True, (f"{why} {requirements}{detail} The wizard's Teams steps set up the OAuth between Exchange Online "
                  "and Exchange Server; Teams finds the mailbox through Exchange Online's Autodiscover v2 and then "
                  "uses the on-premises external EWS URL.")


def _teams_features(t: Topology) -> list[FeatureSupport]:
    groups = _teams_groups(t)
    if not groups:
        return []
    table = feature_tables()[TEAMS_TABLE]
    return [_combine(f"Teams: {row.name}", [_teams_row_answer(t, row, g) for g in groups])
            for row in table.features]


# ----- the public answers -----

def _as_topology(target: Topology | Scenario) -> Topology:
    if isinstance(target, Topology):
        return target
    return target.topology_or_default  # a Scenario (kept duck-typed: scenario.py does not import this module)


def feature_support(scenario_or_topology: Topology | Scenario, *, on: dt.date | None = None) -> list[FeatureSupport]:
    """Every feature that speaks to this topology on `on` (default today): the Skype for Business Server rows,
    Cloud Voicemail, the Lync 2013 table where it applies, then the Teams rows."""
    t = _as_topology(scenario_or_topology)
    day = on or today()
    return _sfb_features(t, day) + _cloud_voicemail(t) + _lync_2013_features(t) + _teams_features(t)


def unsupported(scenario_or_topology: Topology | Scenario, *, on: dt.date | None = None) -> list[FeatureSupport]:
    """The features this topology does not get for every user (what the playbook lists as lost)."""
    return [f for f in feature_support(scenario_or_topology, on=on) if not f.supported]
