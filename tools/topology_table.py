"""Print the README's "steps generated per topology" table from the playbook itself.

    python tools/topology_table.py          # markdown table of step counts
    python tools/topology_table.py --all    # one line per topology (all 99), for closing notes

Versions that give the same counts share a row or column, so the table stays readable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wizard.examples import example_for
from wizard.playbook.build import build_playbook
from wizard.topology import ExchangeKind, ExchangeVersion, SfbKind, SfbVersion, Topology, all_topologies

EXCHANGE_ROWS = [(kind, version) for kind in (ExchangeKind.SERVER, ExchangeKind.HYBRID) for version in ExchangeVersion]
EXCHANGE_ROWS.append((ExchangeKind.ONLINE, None))
SFB_COLUMNS = [(kind, version) for kind in (SfbKind.SERVER, SfbKind.HYBRID) for version in SfbVersion]
SFB_COLUMNS.append((SfbKind.TEAMS, None))


def count(topology: Topology) -> int:
    return len(build_playbook(example_for(topology)))


def _name(kind: ExchangeKind | SfbKind, version: ExchangeVersion | SfbVersion | None) -> str:
    if version is None:
        return "Exchange Online" if kind is ExchangeKind.ONLINE else "Teams only"
    label = version.value.upper() if version.value == "se" else version.value
    return f"{kind.value} {label}"


def table() -> str:
    counts = {(ek, ev, sk, sv): count(Topology(ek, ev, sk, sv)) for ek, ev in EXCHANGE_ROWS for sk, sv in SFB_COLUMNS}
    columns: list[list[tuple[SfbKind, SfbVersion | None]]] = []
    for column in SFB_COLUMNS:  # merge SfB versions whose counts agree on every row
        same = next((group for group in columns if group[0][0] is column[0] and all(
            counts[(ek, ev, *group[0])] == counts[(ek, ev, *column)] for ek, ev in EXCHANGE_ROWS)), None)
        if same is None:
            columns.append([column])
        else:
            same.append(column)
    rows: list[list[tuple[ExchangeKind, ExchangeVersion | None]]] = []
    for row in EXCHANGE_ROWS:
        same_row = next((group for group in rows if group[0][0] is row[0] and all(
            counts[(*group[0], *c[0])] == counts[(*row, *c[0])] for c in columns)), None)
        if same_row is None:
            rows.append([row])
        else:
            same_row.append(row)

    def heading(group: Sequence[tuple[Any, Any]]) -> str:
        first = _name(*group[0])
        rest = [_name(*g).partition(" ")[2] for g in group[1:]]
        return " / ".join([first, *rest]) if rest else first

    lines = ["| Exchange \\ SfB | " + " | ".join(heading(c) for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for row_group in rows:
        cells = [str(counts[(*row_group[0], *c[0])]) for c in columns]
        lines.append(f"| {heading(row_group)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="one line per topology")
    args = parser.parse_args()
    if args.all:
        for topology in all_topologies():
            print(f"{count(topology):3}  {topology.label}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
