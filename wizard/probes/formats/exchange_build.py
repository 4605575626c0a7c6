"""Exchange build numbers (as OWA's X-OWA-Version header shows them) to the product and its update.

Exchange Server SE keeps 15.2 (its builds start at 15.2.2562, the code of 2019 CU15). Cumulative
updates are named by the build's third number, security and hotfix updates by the whole build,
from resources/exchange-builds.json (the Exchange HealthChecker's table). A build newer than the
table is named as such instead of guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wizard.resources import load_json
from wizard.topology import EXCHANGE_NAMES, ExchangeVersion

BUILDS_RESOURCE = "exchange-builds.json"
SE_FIRST_BUILD = 2562
# ASCII digits only and at most 9 of them: \d would take Arabic-Indic digits, and int() refuses 5,000 of them.
_BUILD = re.compile(r"^\s*([0-9]{1,9})\.([0-9]{1,9})(?:\.([0-9]{1,9}))?(?:\.([0-9]{1,9}))?\s*$")
_MAJOR_MINOR = {(15, 0): ExchangeVersion.V2013, (15, 1): ExchangeVersion.V2016, (15, 2): ExchangeVersion.V2019}
_SP_2010 = {0: "RTM", 1: "SP1", 2: "SP2", 3: "SP3"}


@dataclass(frozen=True)
class Build:
    """What a build number says: the product, its update (CU, SU) and whether the table knew it."""

    text: str
    version: ExchangeVersion
    update: str  # "CU15", "RTM Feb26SU", "SP3", or "" when the build is not in the table
    newer_than_known: bool = False

    @property
    def product(self) -> str:
        return EXCHANGE_NAMES[self.version]

    def describe(self) -> str:
        """'Exchange Server 2019 CU15 (build 15.2.1748.10)'; unknown updates say what is known."""
        if self.update:
            return f"{self.product} {self.update} (build {self.text})"
        if self.newer_than_known:
            return f"{self.product}, an update newer than this wizard knows (build {self.text})"
        return f"{self.product} (build {self.text})"


@cache
def _table() -> dict[ExchangeVersion, list[tuple[int, str, dict[str, str]]]]:
    """Version -> [(third build number, update name, {full build: security update name})], ascending."""
    versions = load_json(BUILDS_RESOURCE)["versions"]
    table: dict[ExchangeVersion, list[tuple[int, str, dict[str, str]]]] = {}
    for key, updates in versions.items():
        rows = [(int(u["build"].split(".")[2]), str(u["name"]), dict(u["updates"])) for u in updates]
        table[ExchangeVersion(key)] = sorted(rows)
    return table


def _parts(build: str) -> tuple[int, int, int | None, int | None] | None:
    match = _BUILD.match(build)
    if not match:
        return None
    third, fourth = match.group(3), match.group(4)
    return (int(match.group(1)), int(match.group(2)), int(third) if third is not None else None,
            int(fourth) if fourth is not None else None)


def parse_build(build: str) -> Build | None:
    """'15.2.1748.10' -> Exchange 2019 CU15; None when the text is not an Exchange build number we know."""
    parts = _parts(build)
    if parts is None:
        return None
    major, minor, third, fourth = parts
    text = build.strip()
    if major == 14:
        return Build(text, ExchangeVersion.V2010, _SP_2010.get(minor, ""))
    version = _MAJOR_MINOR.get((major, minor))
    if version is None:
        return None
    if version is ExchangeVersion.V2019 and third is not None and third >= SE_FIRST_BUILD:
        version = ExchangeVersion.SE
    if third is None:
        return Build(text, version, "")
    rows = _table().get(version, [])
    exact = [row for row in rows if row[0] == third]
    if exact:
        _, name, updates = exact[0]
        full = f"{major}.{minor}.{third}.{fourth}" if fourth is not None else ""
        return Build(text, version, f"{name} {updates[full]}" if full in updates else name)
    newer = bool(rows) and third > rows[-1][0]
    return Build(text, version, "", newer_than_known=newer)


def product_for_build(build: str) -> str | None:
    """'15.1.2507.6' -> '2016', '15.2.2562.17' -> 'se'; None when the text is not an Exchange build."""
    parsed = parse_build(build)
    return parsed.version.value if parsed else None


def is_exchange_se(build: str) -> bool:
    parsed = parse_build(build)
    return parsed is not None and parsed.version is ExchangeVersion.SE


def at_least(build: Build, version: ExchangeVersion, third: int) -> bool:
    """Whether a build of `version` is at or after the build whose third number is `third` (e.g. 2016 CU3 = 544)."""
    parts = _parts(build.text)
    return build.version is version and parts is not None and parts[2] is not None and parts[2] >= third
