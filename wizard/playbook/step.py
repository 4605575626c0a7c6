"""A playbook step: what to do, why, where to run it, the exact command, and how to check it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wizard.topology import Phase


class Shell(StrEnum):
    """Where a command runs; each shell gets its own exported script."""

    EXCHANGE = "exchange"  # Exchange Management Shell on an Exchange server
    SFB = "sfb"  # Skype for Business Server Management Shell on a Front End
    GRAPH = "graph"  # Windows PowerShell with Microsoft Graph PowerShell
    EXO = "exo"  # Exchange Online PowerShell (ExchangeOnlineManagement)
    DNS = "dns"  # Windows PowerShell on a DNS server (DnsServer module)
    BROWSER = "browser"  # a browser or manual check: not exported as a script

    @property
    def title(self) -> str:  # type: ignore[override]  # shadows str.title() on purpose: the shell's name
        return SHELL_TITLES[self]

    @property
    def script_name(self) -> str:
        return f"{self.value}-setup.ps1"


SHELL_TITLES: dict[Shell, str] = {
    Shell.EXCHANGE: "Exchange Management Shell (on an Exchange server)",
    Shell.SFB: "Skype for Business Server Management Shell (on a Front End server)",
    Shell.GRAPH: "Windows PowerShell with Microsoft Graph PowerShell (tenant administrator)",
    Shell.EXO: "Exchange Online PowerShell (tenant administrator)",
    Shell.DNS: "Windows PowerShell on a DNS server (DnsServer module)",
    Shell.BROWSER: "A browser or manual check",
}


@dataclass(frozen=True)
class Need:
    """What a script needs from another script or machine before it changes anything (checked up front)."""

    what: str  # shown when it is missing: "Exchange's auth metadata document answers"
    condition: str  # PowerShell expression, true when the need is met (read-only)
    first: str  # what to run or fix first: "run exchange-setup.ps1 on an Exchange server"


@dataclass(frozen=True)
class Step:
    id: str
    phase: Phase
    title: str
    why: str
    shell: Shell
    command: str  # PowerShell text with every user value already quoted as a literal
    check: str  # how to see that it worked (text; may quote a command)
    # PowerShell that reverts what setup recorded for this step (changes.undo_recorded); empty = nothing to undo
    undo: str = ""
    note: str = ""  # where the current procedure differs from older documents, version caveats
    source: str = ""  # the public documents the step follows, by title and address (wizard.playbook.sources)
    read_only: bool = False  # reads and shows only (Get-, Test-, a metadata fetch): the only steps verify mode exports
    needs: tuple[Need, ...] = ()  # checked before the script's first step; a missing one stops it
