"""What an admin reads cites public documents, never the project's internal names, and names support status.

For every topology of the product model the exported bundle (scripts and runbooks) is searched for
the internal references earlier versions leaked ("seed 002", "Table 000", "comment 20"), and each
script header and runbook must say, per product, whether Microsoft still supports it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playbook_scenarios import scenario_for

from wizard.lifecycle import support_lines, support_of, support_warning
from wizard.playbook.export import export_bundle
from wizard.safe_text import html_escape
from wizard.topology import Topology, all_topologies

INTERNAL = {
    "seed": re.compile(r"\bseed\b", re.IGNORECASE),
    "table number": re.compile(r"table 00\d", re.IGNORECASE),
    "comment number": re.compile(r"comment \d+", re.IGNORECASE),
}
TOPOLOGIES = all_topologies()


def _as_tuple(t: Topology) -> tuple[str, str, str, str]:
    return (t.exchange.value, t.exchange_version.value if t.exchange_version else "",
            t.sfb.value, t.sfb_version.value if t.sfb_version else "")


def _id(t: Topology) -> str:
    ex, ev, sfb, sv = _as_tuple(t)
    return f"exchange-{ex}{ev and '-' + ev}+sfb-{sfb}{sv and '-' + sv}"


def _bundle(topology: Topology, folder: Path) -> dict[str, str]:
    scenario = scenario_for(_as_tuple(topology))
    return {p.name: p.read_bytes().decode("utf-8").removeprefix("\ufeff")
            for p in export_bundle(scenario, folder)}


def _header(script: str) -> str:
    """The comment block a script opens with, its '#' prefixes gone and all whitespace removed (wrapping differs)."""
    lines = []
    for line in script.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.removeprefix("#"))
    return "".join("".join(lines).split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=_id)
def test_no_exported_file_names_an_internal_reference(tmp_path: Path, topology: Topology) -> None:
    leaks = [f"{name}: {kind}: {line.strip()[:160]}"
             for name, text in _bundle(topology, tmp_path / "bundle").items()
             for line in text.splitlines()
             for kind, pattern in INTERNAL.items() if pattern.search(line)]
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=_id)
def test_every_script_header_and_runbook_name_the_support_status(tmp_path: Path, topology: Topology) -> None:
    files = _bundle(topology, tmp_path / "bundle")
    lines = support_lines(topology)
    warning = support_warning(topology)
    assert lines, "every topology has at least one product with a support status"
    scripts = {name: text for name, text in files.items() if name.endswith(".ps1")}
    assert scripts
    for name, text in scripts.items():
        header = _header(text)
        for line in [*lines, *([warning] if warning else [])]:
            assert _squeezed(line) in header, (name, line)
    markdown = files["runbook.md"]
    assert "## Products" in markdown.split("## Scenario")[0], "the Products section comes before the scenario"
    html = files["runbook.html"]
    assert html.index("<h2>Products</h2>") < html.index("<h2>Scenario</h2>")
    for line in [*lines, *([warning] if warning else [])]:
        assert line in markdown
        assert html_escape(line) in html


@pytest.mark.parametrize("topology", [t for t in TOPOLOGIES if support_of(t)], ids=_id)
def test_each_on_premises_product_is_named_with_its_end_of_support(tmp_path: Path, topology: Topology) -> None:
    files = _bundle(topology, tmp_path / "bundle")
    today = dt.datetime.now(dt.UTC).date()
    for support in support_of(topology):
        if support.end is not None and today > support.end:
            expected = f"{support.product}: out of support since {support.end.day} {support.end:%B %Y}"
        else:
            expected = f"{support.product}: supported"
        for name, text in files.items():
            where = _header(text) if name.endswith(".ps1") else _squeezed(text)
            assert _squeezed(html_escape(expected) if name.endswith(".html") else expected) in where, (name, expected)


def test_exchange_2016_is_out_of_support_since_14_october_2025_in_header_and_runbook(tmp_path: Path) -> None:
    files = _bundle(_exchange_2016_with_sfb_se(), tmp_path / "bundle")
    expected = "Exchange Server 2016: out of support since 14 October 2025"
    assert expected in files["runbook.md"]
    assert _squeezed(expected) in _header(files["exchange-setup.ps1"])
    assert _squeezed(expected) in _header(files["exchange-undo.ps1"])


def _exchange_2016_with_sfb_se() -> Topology:
    return next(t for t in TOPOLOGIES if _as_tuple(t) == ("server", "2016", "server", "se"))
