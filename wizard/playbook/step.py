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
class Step:
    id: str
    phase: Phase
    title: str
    why: str
    shell: Shell
    command: str  # PowerShell text with every user value already quoted as a literal
    check: str  # how to see that it worked (text; may quote a command)
    undo: str = ""  # PowerShell that reverses this step, guarded by a Get-… check; empty = nothing to undo
    note: str = ""  # where the current procedure differs from older documents, version caveats
    source: str = ""  # the public documents the step follows, by title and address (wizard.playbook.sources)
