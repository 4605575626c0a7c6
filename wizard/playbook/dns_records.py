"""DNS records on a Windows DNS server (DnsServer module): create only what is missing, undo only what was created.

Autodiscover and SIP records are shared by every client of the organisation, so they are recorded
as shared: undo keeps them unless setup created them and the admin passes -RemoveSharedObjects.
The DnsServer cmdlets are CDXML: only -ErrorAction Stop on each call makes a failure stop the script.
"""

from __future__ import annotations

from wizard.playbook import commands as cmd
from wizard.playbook.changes import Record, guarded, leave_alone_if, stop, undo_recorded
from wizard.playbook.psquote import literal as q
from wizard.playbook.snippets import block

CNAME_TYPE = "DnsCName"
SRV_TYPE = "DnsSrv"


def _get(zone: str, name: str, rr_type: str = "") -> str:
    kind = f" -RRType {rr_type}" if rr_type else ""
    return f"Get-DnsServerResourceRecord -ZoneName {q(zone)} -Name {q(name)}{kind} -ErrorAction SilentlyContinue"


def add_cname(step: str, zone: str, name: str, target: str) -> str:
    """Create name CNAME target unless the name already has a record of any type (a CNAME cannot share it)."""
    fqdn = f"{name}.{zone}"
    return block(
        guarded(
            before=f"$existing = @({_get(zone, name)})",
            needed="$existing.Count -eq 0",
            change=cmd.add_dns_cname(zone, name, target),
            read_back=_get(zone, name, "CName"),
            record=Record(step, CNAME_TYPE, "created", {"Zone": q(zone), "Name": q(name), "Target": q(target)},
                          shared=True),
            already=f"{fqdn} already has a DNS record: left as it is and not recorded (undo leaves it too).",
        ),
        "foreach ($record in $existing) {",
        "    Write-Host \"    existing: $($record.HostName) $($record.RecordType) $($record.RecordData.HostNameAlias)"
        "$($record.RecordData.IPv4Address)\"",
        "}",
        f"if ($existing | Where-Object {{ $_.RecordType -eq 'CNAME' -and "
        f"$_.RecordData.HostNameAlias.TrimEnd('.') -ne {q(target)} }}) {{",
        f"    Write-Warning {q(f'{fqdn} points somewhere other than {target}; check that this is what you want.')}",
        "}",
    )


def undo_cname(step: str) -> str:
    """Remove a CNAME setup created, only while it still points where setup pointed it."""
    return undo_recorded(step, CNAME_TYPE, block(
        "$record = @(Get-DnsServerResourceRecord -ZoneName $entry.identity.Zone -Name $entry.identity.Name "
        "-RRType CName -ErrorAction SilentlyContinue |",
        "    Where-Object { $_.RecordData.HostNameAlias.TrimEnd('.') -eq $entry.identity.Target })",
        leave_alone_if("$record.Count -eq 0", "The CNAME no longer points where setup pointed it: left alone."),
        stop("Remove-DnsServerResourceRecord -ZoneName $entry.identity.Zone -InputObject $record[0] -Force"),
    ))


def _srv_match(target: str, port: int) -> str:
    return f"$_.RecordData.DomainName.TrimEnd('.') -eq {q(target)} -and $_.RecordData.Port -eq {port}"


def add_srv(step: str, zone: str, name: str, target: str, *, priority: int, weight: int, port: int) -> str:
    """Add the SRV record unless one for this target and port exists (other targets of the name stay)."""
    return guarded(
        before=f"$existing = @({_get(zone, name, 'Srv')} |\n    Where-Object {{ {_srv_match(target, port)} }})",
        needed="$existing.Count -eq 0",
        change=cmd.add_dns_srv(zone, name, target, priority=priority, weight=weight, port=port),
        read_back=f"{_get(zone, name, 'Srv')} | Where-Object {{ {_srv_match(target, port)} }}",
        record=Record(step, SRV_TYPE, "created",
                      {"Zone": q(zone), "Name": q(name), "Target": q(target), "Port": str(port)}, shared=True),
        already=f"{name}.{zone} already points at {target}:{port}: left as it is and not recorded.",
    )


def undo_srv(step: str) -> str:
    return undo_recorded(step, SRV_TYPE, block(
        "$record = @(Get-DnsServerResourceRecord -ZoneName $entry.identity.Zone -Name $entry.identity.Name "
        "-RRType Srv -ErrorAction SilentlyContinue |",
        "    Where-Object { $_.RecordData.DomainName.TrimEnd('.') -eq $entry.identity.Target -and "
        "$_.RecordData.Port -eq $entry.identity.Port })",
        leave_alone_if("$record.Count -eq 0", "The SRV record is no longer there as setup created it: left alone."),
        stop("Remove-DnsServerResourceRecord -ZoneName $entry.identity.Zone -InputObject $record[0] -Force"),
    ))
