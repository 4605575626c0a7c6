"""The PowerShell every exported setup and undo script starts with: the record file and the step runner.

Setup scripts write, as they go, one JSON line per object they created or setting they changed on
this computer (its identity and the values it overwrote) to a record file beside the scripts:
`<shell>-record-<COMPUTERNAME>.jsonl`. Undo scripts read that file and revert exactly those entries,
newest first, marking each one done; without a record they change nothing and say why. Objects other
parts of the organisation rely on (microsoft.sts, microsoft.exchange, the 00000004 application,
autodiscover records) are reverted only when setup created them and the admin passes -RemoveSharedObjects.

Each step runs in its own try/catch; a failure stops the script with the step's name, the steps done
so far in this run and how to resume. Everything here is fixed text: no user value enters it.
"""

from __future__ import annotations

from wizard.playbook.psquote import literal
from wizard.playbook.step import Shell

RECORD_FOLDER_PARAMETER = "RecordFolder"
SHARED_SWITCH = "RemoveSharedObjects"
RECORD_FUNCTION = "Add-IntegrationRecord"
READ_RECORD_FUNCTION = "Get-IntegrationRecord"
DONE_RECORD_FUNCTION = "Complete-IntegrationRecord"
STOP_FUNCTION = "Stop-IntegrationStep"
NATIVE_FUNCTION = "Assert-NativeSuccess"
RUNTIME_FUNCTIONS = frozenset({RECORD_FUNCTION, READ_RECORD_FUNCTION, DONE_RECORD_FUNCTION, STOP_FUNCTION,
                               NATIVE_FUNCTION})


def record_file_pattern(shell: Shell) -> str:
    """The record file's name as the runbook shows it."""
    return f"{shell.value}-record-<COMPUTERNAME>.jsonl"


def _params(*, undo: bool) -> list[str]:
    lines = ["[CmdletBinding()]", "param(",
             "    # Where the record of this computer's setup run is kept (default: the scripts' folder).",
             f"    [string]${RECORD_FOLDER_PARAMETER} = $PSScriptRoot" + ("," if undo else "")]
    if undo:
        lines += ["    # Also revert objects other integrations may rely on, when setup created them.",
                  f"    [switch]${SHARED_SWITCH}"]
    return [*lines, ")"]


_COMMON = r"""
$ErrorActionPreference = 'Stop'
# Windows PowerShell 5.1 offers TLS 1.0 by default; Microsoft 365 and current servers need TLS 1.2.
$IntegrationProtocols = [System.Net.ServicePointManager]::SecurityProtocol
[System.Net.ServicePointManager]::SecurityProtocol = $IntegrationProtocols -bor [System.Net.SecurityProtocolType]::Tls12
if (-not $RecordFolder) { $RecordFolder = (Get-Location).Path }
$IntegrationRecordName = $IntegrationShell + '-record-' + $env:COMPUTERNAME + '.jsonl'
$IntegrationRecordFile = Join-Path -Path $RecordFolder -ChildPath $IntegrationRecordName
$IntegrationDone = New-Object -TypeName 'System.Collections.Generic.List[string]'
# Set by a change that IIS must reload; the IIS restart steps restart only then (a rerun restarts nothing).
$IntegrationIisResetNeeded = $false

function Stop-IntegrationStep {
    param(
        [string]$Step,
        [System.Management.Automation.ErrorRecord]$ErrorRecord
    )
    $message = $ErrorRecord.Exception.Message
    $done = 'none'
    if ($IntegrationDone.Count -gt 0) { $done = $IntegrationDone -join ', ' }
    Write-Host ''
    Write-Host "STOPPED at step $Step" -ForegroundColor Red
    Write-Host "  Error: $message"
    $tlsFailure = 'unexpected error occurred on a send|SSL/TLS secure channel|underlying connection was closed'
    if ($message -match $tlsFailure) {
        Write-Host ('  This is how Windows PowerShell reports a TLS version or cipher it cannot agree on with the ' +
            'server (or a proxy in between), not a certificate it distrusts. This script turns TLS 1.2 on for ' +
            'itself; check that the server and any proxy offer TLS 1.2.')
    }
    Write-Host "  Steps finished in this run: $done"
    Write-Host "  Changes made so far are listed in $IntegrationRecordFile"
    Write-Host "  Fix the cause and run $IntegrationScript again: finished steps find their work done and change"
    Write-Host '  nothing.'
    exit 1
}

function Assert-NativeSuccess {
    param(
        [string]$Command
    )
    if ($LASTEXITCODE -ne 0) { throw "$Command ended with exit code $LASTEXITCODE." }
}
"""

_SETUP = r"""
function Add-IntegrationRecord {
    param(
        [Parameter(Mandatory = $true)][string]$Step,
        [Parameter(Mandatory = $true)][string]$Type,
        [Parameter(Mandatory = $true)][string]$Action,
        [Parameter(Mandatory = $true)][hashtable]$Identity,
        [hashtable]$Prior = @{},
        [switch]$Shared
    )
    $entry = [ordered]@{
        id = [guid]::NewGuid().ToString()
        step = $Step
        type = $Type
        action = $Action
        identity = $Identity
        prior = $Prior
        shared = [bool]$Shared
        at = (Get-Date).ToUniversalTime().ToString('o')
        computer = $env:COMPUTERNAME
        user = "$env:USERDOMAIN\$env:USERNAME"
        script = $IntegrationScript
    }
    $line = ConvertTo-Json -InputObject $entry -Compress -Depth 6
    Add-Content -LiteralPath $IntegrationRecordFile -Value $line -Encoding UTF8 -ErrorAction Stop
    Write-Host "    recorded for undo: $Action $Type"
}

# The record must be writable before anything is changed: a change that cannot be recorded cannot be undone.
try {
    if (-not (Test-Path -LiteralPath $IntegrationRecordFile)) {
        New-Item -ItemType File -Path $IntegrationRecordFile -ErrorAction Stop | Out-Null
    }
    [System.IO.File]::Open($IntegrationRecordFile, 'Append', 'Write').Dispose()
} catch {
    Write-Host "Cannot write the record file $IntegrationRecordFile ($($_.Exception.Message))." -ForegroundColor Red
    Write-Host 'Copy the scripts to a local folder, or pass -RecordFolder with a folder you can write to.'
    Write-Host 'Nothing was changed.'
    exit 1
}
Write-Host "Changes are recorded in $IntegrationRecordFile (undo reads it)."
"""

_UNDO = r"""
function Read-IntegrationRecordFile {
    @(Get-Content -LiteralPath $IntegrationRecordFile -Encoding UTF8 -ErrorAction Stop |
        Where-Object { $_.Trim() } | ForEach-Object { ConvertFrom-Json -InputObject $_ })
}

function Get-IntegrationRecord {
    param(
        [string]$Step,
        [string]$Type
    )
    $entries = Read-IntegrationRecordFile
    $finished = @($entries | Where-Object { $_.action -eq 'undone' } | ForEach-Object { $_.ref })
    $open = @($entries | Where-Object {
        $_.action -ne 'undone' -and $_.step -eq $Step -and $_.type -eq $Type -and $finished -notcontains $_.id })
    [array]::Reverse($open)
    foreach ($entry in $open) {
        if ($entry.shared -and -not $RemoveSharedObjects) {
            Write-Host ("    kept: $($entry.type) is shared with other integrations; run again with " +
                '-RemoveSharedObjects to revert it too.')
            continue
        }
        $entry
    }
}

function Complete-IntegrationRecord {
    param(
        $Entry,
        [string]$Outcome = 'reverted'
    )
    $line = ConvertTo-Json -Compress -InputObject ([ordered]@{
        action = 'undone'; ref = $Entry.id; outcome = $Outcome; at = (Get-Date).ToUniversalTime().ToString('o') })
    Add-Content -LiteralPath $IntegrationRecordFile -Value $line -Encoding UTF8 -ErrorAction Stop
    Write-Host "    $Outcome : $($Entry.type)"
}

if (-not (Test-Path -LiteralPath $IntegrationRecordFile)) {
    Write-Warning ("There is no record of a setup run on this computer ($IntegrationRecordFile), so this script " +
        "changes nothing: it reverts only what $IntegrationSetupScript recorded when it ran here. If setup ran " +
        'from another folder, pass -RecordFolder.')
    exit 0
}
Write-Host "Reverting what $IntegrationRecordFile lists, newest first."
"""


def preamble(shell: Shell, script_name: str, setup_name: str, *, undo: bool) -> list[str]:
    """The script's parameters and runtime: goes right after the header comments (param must come first)."""
    lines = _params(undo=undo)
    lines += ["", f"$IntegrationShell = {literal(shell.value)}", f"$IntegrationScript = {literal(script_name)}",
              f"$IntegrationSetupScript = {literal(setup_name)}"]
    lines += _COMMON.strip("\n").split("\n")
    lines += (_UNDO if undo else _SETUP).rstrip("\n").split("\n")
    return lines


def read_only_preamble(shell: Shell, script_name: str) -> list[str]:
    """Verify-mode scripts change nothing, so they keep no record; they still stop on the first error."""
    lines = ["[CmdletBinding()]", "param()", "", f"$IntegrationShell = {literal(shell.value)}",
             f"$IntegrationScript = {literal(script_name)}", "$RecordFolder = $PSScriptRoot"]
    return lines + _COMMON.strip("\n").split("\n")
