"""Which integration features work for a topology, answered from the two published feature tables.

The tables live as data in resources/features.json, cell text exactly as published: seed 000's
17 features x 5 Exchange/SfB combinations and seed 002's 5 features x 3 Lync Server 2013 cases.
This module maps a topology onto their columns and says, per feature, yes or no and why, including
where a table is read beyond its letter (Exchange 2019, hybrids, UM that no longer exists).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from wizard.resources import load_json
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology

if TYPE_CHECKING:  # for the types only: scenario.py does not import this module, nor this one it at run time
    from wizard.scenario import Scenario

FEATURES_RESOURCE = "features.json"
UM_FEATURE_ID = "exchange-um-voicemail"

_NEED_EXCHANGE = re.compile(r"^Y \(need Exchange (?P<versions>[0-9/]+)\)$")


class FeatureTableError(ValueError):
    """The bundled feature table is malformed (a build problem, not a user error)."""


@dataclass(frozen=True)
class FeatureSupport:
    """One feature for one topology: does it work, and why (quoting the table and any reading of it)."""

    feature: str
    supported: bool
    why: str
    source: str

    @property
    def name(self) -> str:
        return self.feature


@dataclass(frozen=True)
class Cell:
    """A table cell as published plus what it means."""

    text: str
    supported: bool
    needs_exchange: tuple[str, ...] = ()  # "Y (need Exchange 2016/2013)" -> ("2016", "2013")
    on_prem_homed_only: bool = False  # seed 002's "Supported*"


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
    source: str


@dataclass(frozen=True)
class FeatureTable:
    id: str
    title: str
    source: str
    columns: tuple[Column, ...]
    features: tuple[FeatureRow, ...]
    notes: tuple[dict[str, Any], ...]
    footnotes: dict[str, str]

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)


def parse_cell(text: str) -> Cell:
    """Read one published cell: Y, N, Y (need Exchange a/b), Supported, Not supported, Supported*."""
    if text in ("Y", "Supported"):
        return Cell(text, True)
    if text in ("N", "Not supported"):
        return Cell(text, False)
    if text == "Supported*":
        return Cell(text, True, on_prem_homed_only=True)
    match = _NEED_EXCHANGE.match(text)
    if match:
        return Cell(text, True, needs_exchange=tuple(match.group("versions").split("/")))
    raise FeatureTableError(f"unknown feature table cell {text!r}")


def _table_from(data: dict[str, Any]) -> FeatureTable:
    try:
        columns = tuple(Column(c["id"], c["heading"]) for c in data["columns"])
        ids = [c.id for c in columns]
        rows = []
        for row in data["features"]:
            if sorted(row["cells"]) != sorted(ids):
                raise FeatureTableError(f"table {data['id']}, feature {row['id']}: cells do not match the columns")
            rows.append(FeatureRow(row["id"], row["name"], row.get("condition", ""),
                                   {cid: parse_cell(row["cells"][cid]) for cid in ids}, row["source"]))
        return FeatureTable(
            id=data["id"], title=data["title"], source=data["source"], columns=columns, features=tuple(rows),
            notes=tuple(data.get("notes", ())),
            footnotes={f["marker"]: f["text"] for f in data.get("footnotes", ())},
        )
    except (KeyError, TypeError) as exc:
        raise FeatureTableError(f"feature table is missing {exc}") from None


def tables_from(document: dict[str, Any]) -> dict[str, FeatureTable]:
    """Parse and check a features document (the bundled one, or a test's)."""
    if document.get("schema") != "sfb-exchange-wizard/features":
        raise FeatureTableError("not a feature table document")
    return {t.id: t for t in (_table_from(table) for table in document["tables"])}


@cache
def feature_tables() -> dict[str, FeatureTable]:
    """The bundled tables by id ("000", "002"); parsed once, read-only."""
    return tables_from(load_json(FEATURES_RESOURCE))


# ----- mapping a topology onto the columns -----

def _as_topology(target: Topology | Scenario) -> Topology:
    if isinstance(target, Topology):
        return target
    return target.topology_or_default  # a Scenario (kept duck-typed: scenario.py does not import this module)



def _online_column(t: Topology) -> str:
    """Table 000's column for Skype for Business Online with this topology's Exchange."""
    if t.exchange is ExchangeKind.ONLINE:
        return "exchange-online+sfb-online"
    if t.exchange_version is ExchangeVersion.V2010:
        return "exchange-2010+sfb-online"
    return "exchange-2016-2013+sfb-online"


def _server_column(t: Topology) -> str:
    return "exchange-online+sfb-server" if t.exchange is ExchangeKind.ONLINE else "exchange-server+sfb-server"


def _primary_column(t: Topology) -> str:
    """Online users in a hybrid get the online column too; the primary answer is for users homed on premises."""
    return _online_column(t) if t.sfb is SfbKind.TEAMS else _server_column(t)


def _cell_answer(table: FeatureTable, row: FeatureRow, column_id: str, t: Topology) -> tuple[bool, str]:
    """Read one 000 cell for this topology: (supported, why)."""
    cell = row.cells[column_id]
    heading = table.column(column_id).heading
    if not cell.needs_exchange:
        verdict = "Y" if cell.supported else "N"
        return cell.supported, f"Table 000 marks it {verdict} for {heading}."
    version = (t.exchange_version or ExchangeVersion.V2016).value
    if version == ExchangeVersion.V2019.value:
        return True, (f"Table 000 says '{cell.text}' for {heading}; Exchange 2019 is read as the 2016/2013 column "
                      "(the table predates Exchange 2019).")
    if version in cell.needs_exchange:
        return True, f"Table 000 says '{cell.text}' for {heading}; Exchange {version} qualifies."
    return False, (f"Needs Exchange 2016/2013: table 000 says '{cell.text}' for {heading}, and Exchange {version} "
                   "has no server-to-server OAuth (no partner applications).")


def _um_override(t: Topology, supported: bool) -> tuple[bool, str] | None:
    """Exchange UM is gone from Exchange 2019 and Exchange Online, whatever the (older) table says."""
    if not supported or t.exchange_has_um:
        return None
    if t.exchange is ExchangeKind.ONLINE:
        return False, ("Exchange Online Unified Messaging has been retired (Cloud Voicemail replaced it), so the "
                       "table's Y no longer holds.")
    return False, ("Exchange 2019 has no Unified Messaging (it was removed in 2019), so the 2016/2013 column's Y "
                   "does not apply; use Cloud Voicemail.")


def _features_000(t: Topology) -> list[FeatureSupport]:
    table = feature_tables()["000"]
    primary = _primary_column(t)
    answers = []
    for row in table.features:
        supported, why = _cell_answer(table, row, primary, t)
        if row.id == UM_FEATURE_ID:
            override = _um_override(t, supported)
            if override:
                supported, why = override[0], f"{why} {override[1]}"
        if t.sfb is SfbKind.HYBRID:
            online = _online_column(t)
            online_ok, _ = _cell_answer(table, row, online, t)
            if row.id == UM_FEATURE_ID and _um_override(t, online_ok):
                online_ok = False
            why = (f"For users homed on premises: {why} Users homed in Skype for Business Online: "
                   f"{'Y' if online_ok else 'N'} ({table.column(online).heading}).")
        if row.condition:
            why = f"{why} ({row.condition})"
        answers.append(FeatureSupport(row.name, supported, why, row.source))
    return answers


def _cloud_voicemail(t: Topology) -> list[FeatureSupport]:
    table = feature_tables()["000"]
    sfb_key = "online" if t.sfb is SfbKind.TEAMS else (t.sfb_version or SfbVersion.V2015).value
    out = []
    for note in table.notes:
        if "feature" not in note:
            continue
        supported = sfb_key in note["sfb"]
        why = note["text"] if supported else f"Not listed for this Skype for Business deployment: {note['text']}"
        out.append(FeatureSupport(note["feature"], supported, why, note["source"]))
    return out


def _column_002(t: Topology) -> tuple[str, str] | None:
    """Seed 002's row for this topology, with how far it is stretched; None where 002 does not speak."""
    if not t.exchange_on_prem or t.exchange_version is ExchangeVersion.V2010:
        return None
    reading = ""
    if t.exchange_version is not ExchangeVersion.V2013:
        reading = (f"Table 002 is written for Exchange Server 2013; Exchange {t.exchange_version} is read as "
                   "2013 here.")
    if t.sfb is SfbKind.TEAMS:
        return "sfb-online-only", reading
    if t.sfb is SfbKind.HYBRID:
        if t.sfb_version is not SfbVersion.V2013:
            reading = (reading + f" A Skype for Business Server {t.sfb_version} hybrid is read as the Lync "
                       "Server 2013 hybrid row.").strip()
        return "lync-2013-hybrid", reading
    if t.sfb_version is SfbVersion.V2013:
        return "lync-2013-only", reading
    return None


def _features_002(t: Topology) -> list[FeatureSupport]:
    placed = _column_002(t)
    if placed is None:
        return []
    column_id, reading = placed
    table = feature_tables()["002"]
    heading = table.column(column_id).heading
    answers = []
    for row in table.features:
        cell = row.cells[column_id]
        why = f"Table 002 says '{cell.text}' for '{heading}'."
        if cell.on_prem_homed_only:
            why += f" {table.footnotes['*']}"
        if reading:
            why += f" {reading}"
        answers.append(FeatureSupport(row.name, cell.supported, why, row.source))
    return answers


def feature_support(scenario_or_topology: Topology | Scenario) -> list[FeatureSupport]:
    """Every feature of both tables that speaks to this topology: table 000, Cloud Voicemail, then 002."""
    t = _as_topology(scenario_or_topology)
    return _features_000(t) + _cloud_voicemail(t) + _features_002(t)


def unsupported(scenario_or_topology: Topology | Scenario) -> list[FeatureSupport]:
    """The features this topology does not get (what the playbook lists as lost)."""
    return [f for f in feature_support(scenario_or_topology) if not f.supported]
