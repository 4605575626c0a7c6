"""The commands of the OWA IM steps (wizard/playbook/owa.py), which several phases hold (by topology).

special() is keyed by the step's kind (owa-trusted-application, ...), whatever its phase.
"""

from __future__ import annotations

from typing import Any

from expected.common import IIS_CERTIFICATE

_OWA_TRUSTED_UNDO = ["Get-CsTrustedApplication", "Where-Object", "Remove-CsTrustedApplication",
                     "Get-CsTrustedApplicationPool", "Remove-CsTrustedApplicationPool", "Enable-CsTopology"]
_OWA_VDIR_UNDO = ["Get-OwaVirtualDirectory", "Where-Object", "Set-OwaVirtualDirectory"]
_OWA_WEB_CONFIG = (
    [*IIS_CERTIFICATE, "Join-Path", "Get-Content", "Where-Object", "Select-Object", "Test-Path", "Copy-Item"],
    ["Join-Path", "Get-Content", "Where-Object"])
_OWA_POLICY = (["Set-OwaMailboxPolicy"], ["Get-OwaMailboxPolicy", "Set-OwaMailboxPolicy"])



def special(step: Any, scenario: Any) -> tuple[list[str], list[str] | None] | None:
    t = scenario.topology
    kind = step.id.split(".", 1)[1]
    if kind == "owa-trusted-application":
        site = [] if scenario.sfb_site else ["Get-CsPool"]
        computers = ["Get-CsTrustedApplicationComputer", "New-CsTrustedApplicationComputer"] * (
            len(scenario.exchange_fqdns) - 1)
        return (["Get-CsTrustedApplicationPool", "New-CsTrustedApplicationPool", *site, *computers,
                 "Get-CsTrustedApplication", "Where-Object", "New-CsTrustedApplication", "Enable-CsTopology"],
                _OWA_TRUSTED_UNDO)
    if kind == "owa-virtual-directory":
        if t.exchange_version == "2010":
            return [*IIS_CERTIFICATE, "Get-OwaVirtualDirectory", "Set-OwaVirtualDirectory"], _OWA_VDIR_UNDO
        return ["Get-OwaVirtualDirectory", "Set-OwaVirtualDirectory"], _OWA_VDIR_UNDO
    if kind == "owa-web-config":
        return _OWA_WEB_CONFIG
    if kind == "owa-mailbox-policy":
        return _OWA_POLICY
    return None
