"""PowerShell building blocks the phase modules share: guards, Graph key merging (DNS: dns_records).

Every user value reaches PowerShell through `q()` (psquote.literal). Guards follow one rule: read
with a Get- first and create only what is missing, so a script can run twice; removals in undo
scripts likewise act only on what a Get- found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from wizard.playbook.psquote import literal as q

__all__ = [
    "block",
    "graph_certificate_dates",
    "graph_connect",
    "graph_remove_certificate",
    "graph_upload_certificate",
    "if_",
    "if_else",
    "if_not",
    "iis_certificate",
    "indent",
    "q",
    "zone_and_name",
]


def block(*lines: str | None) -> str:
    """Join lines (and multi-line parts), dropping the None ones."""
    return "\n".join(line for line in lines if line is not None)


def indent(text: str, width: int = 4) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def if_(condition: str, body: str) -> str:
    return f"if ({condition}) {{\n{indent(body)}\n}}"


def if_not(condition: str, body: str) -> str:
    return f"if (-not ({condition})) {{\n{indent(body)}\n}}"


def if_else(condition: str, body: str, otherwise: str) -> str:
    """if (condition) { body } else { otherwise }, with else on the closing brace's line as PowerShell needs."""
    return f"if ({condition}) {{\n{indent(body)}\n}} else {{\n{indent(otherwise)}\n}}"


def zone_and_name(fqdn: str, zones: Iterable[str]) -> tuple[str, str]:
    """Split a host name into (zone, relative name), preferring the longest known zone that holds it."""
    for zone in sorted({z for z in zones if z}, key=len, reverse=True):
        if fqdn.endswith("." + zone):
            return zone, fqdn[: -len(zone) - 1]
    first, _, parent = fqdn.partition(".")
    return parent, first


# ----- Exchange -----

def iis_certificate(variable: str = "$imCertificate") -> str:
    """Pick the CA-issued certificate bound to IIS on this Exchange server (OWA IM presents it to SfB)."""
    return block(
        f"{variable} = Get-ExchangeCertificate |",
        "    Where-Object { \"$($_.Services)\" -match 'IIS' -and -not $_.IsSelfSigned } |",
        "    Sort-Object -Property 'NotAfter' -Descending | Select-Object -First 1",
        if_(f"-not {variable}",
            "throw 'No CA-issued certificate is assigned to IIS on this Exchange server; OWA IM needs one the Front "
            "End servers trust.'"),
    )


# ----- Microsoft Graph PowerShell -----
#
# The Graph SDK's cmdlets ignore a script-wide $ErrorActionPreference, so every call here carries
# -ErrorAction Stop. The key changes are built with wizard.playbook.changes (imported where used:
# changes imports this module): guard, change, read back, record entry.

GRAPH_KEY_TYPE = "ServicePrincipalKey"  # the record's type for a key added to a service principal
_STOP = "-ErrorAction Stop"


def graph_connect(tenant: str, scopes: Sequence[str] = ("Application.ReadWrite.All",)) -> str:
    """Connect once per session; later steps reuse the connection (and still work when run alone)."""
    scope_list = ", ".join(q(s) for s in scopes)
    return if_not(f"Get-MgContext {_STOP}",
                  f"Connect-MgGraph -TenantId {q(tenant)} -Scopes {scope_list} -NoWelcome {_STOP}")


# A key is "this certificate" when its customKeyIdentifier is the thumbprint or its key bytes are the certificate.
_IS_THIS_CERTIFICATE = (
    "(($_.CustomKeyIdentifier -and [System.Convert]::ToBase64String($_.CustomKeyIdentifier) -eq $thumbprintKey) -or "
    "($_.Key -and [System.Convert]::ToBase64String($_.Key) -eq $rawKey))")

# In undo: the key setup recorded, by the KeyId Graph gave it or by the certificate's thumbprint (Graph's default
# customKeyIdentifier), so the certificate file is not needed to revert.
_IS_RECORDED_KEY = (
    "(($entry.identity.KeyId -and [string]$_.KeyId -eq [string]$entry.identity.KeyId) -or ($_.CustomKeyIdentifier -and "
    "[System.BitConverter]::ToString($_.CustomKeyIdentifier).Replace('-', '') -eq $entry.identity.Thumbprint))")

# Every property of a kept key, its keyId included, so resubmitting the list leaves each key as it was.
_KEY_AS_HASHTABLE = (
    "ForEach-Object { @{ keyId = $_.KeyId; type = $_.Type; usage = $_.Usage; key = $_.Key; "
    "displayName = $_.DisplayName; customKeyIdentifier = $_.CustomKeyIdentifier; startDateTime = $_.StartDateTime; "
    "endDateTime = $_.EndDateTime } }")

_READ_KEYS = f"Get-MgServicePrincipal -ServicePrincipalId $principal.Id -Property 'keyCredentials' {_STOP}"


def _load_certificate(certificate_path: str) -> str:
    return block(
        f"$certificateFile = {certificate_path}",
        "$certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($certificateFile)",
        "$thumbprintKey = [System.Convert]::ToBase64String($certificate.GetCertHash())",
        "$rawKey = [System.Convert]::ToBase64String($certificate.GetRawCertData())",
    )


def _find_principal(app_id: str = "$appId") -> str:
    return f"$principal = Get-MgServicePrincipal -Filter \"AppId eq '{app_id}'\" {_STOP}"


def _principal_keys() -> str:
    return block(
        _find_principal(),
        "if (-not $principal) { throw \"No service principal with AppId $appId in this tenant.\" }",
        "# Graph returns key material only when one object is read with $select=keyCredentials.",
        f"$withKeys = {_READ_KEYS}",
        "$current = @($withKeys.KeyCredentials)",
    )


def _app_loop(app_ids: Sequence[str], body: str) -> str:
    return block(f"foreach ($appId in @({', '.join(q(a) for a in app_ids)})) {{", indent(body), "}")


def graph_upload_certificate(tenant: str, certificate_path: str, app_ids: Sequence[str], *,
                             step: str | None = None) -> str:
    """Add a certificate to service principals without losing their other keys; record each key added.

    Update-MgServicePrincipal -KeyCredentials replaces the whole list, so the script reads the existing keys,
    keeps the unexpired ones as they are (keyId included) and adds this certificate, only on a principal that
    does not hold it yet; it reads the list back and, with `step`, records the principal's AppId and the
    certificate's thumbprint (and the KeyId Graph gave it) for undo. Without `step` (the rotation plan, which
    keeps no record) the change is guarded and read back but not recorded. `certificate_path` is a PowerShell
    expression (already quoted where it carries a user value).
    """
    from wizard.playbook.changes import Record, guarded, stop

    update = "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -KeyCredentials $keys"
    read_back = f"($added = @(({_READ_KEYS}).KeyCredentials | Where-Object {{ {_IS_THIS_CERTIFICATE} }})).Count -gt 0"
    failed = "The certificate is not among the service principal's keys after the update; check the output above."
    done = "Write-Host \"    certificate added; $($kept.Count) unexpired key(s) kept.\""
    before = block(
        "Write-Host \"${appId}:\"",
        _principal_keys(),
        f"$present = @($current | Where-Object {{ {_IS_THIS_CERTIFICATE} }}).Count -gt 0",
        "$kept = @($current | Where-Object { $_.EndDateTime -gt (Get-Date) })",
        "$dropped = @($current | Where-Object { -not ($_.EndDateTime -gt (Get-Date)) } | "
        "ForEach-Object { [string]$_.KeyId }) -join ', '",
        "if (-not $present -and @($kept | Where-Object { -not $_.Key }).Count -gt 0) {",
        "    throw \"${appId}: Graph did not return the existing keys' material; not updating (it would drop them).\"",
        "}",
        f"$keys = @($kept | {_KEY_AS_HASHTABLE})",
        "$keys += @{ type = 'AsymmetricX509Cert'; usage = 'Verify'; key = $certificate.GetRawCertData(); "
        "displayName = $certificate.Subject }",
    )
    if step is None:
        body = block(
            before,
            "if (-not $present) {",
            indent(block(stop(update), f"if (-not ({read_back})) {{ throw {q(failed)} }}", done)),
            "} else {",
            "    Write-Host '    this certificate is already there; nothing to add.'",
            "}",
        )
    else:
        body = block(
            before,
            guarded(
                needed="-not $present",
                change=update,
                read_back=read_back,
                failed=failed,
                record=Record(step, GRAPH_KEY_TYPE, "added",
                              {"AppId": "$appId", "Thumbprint": "$certificate.Thumbprint",
                               "KeyId": "[string]$added[0].KeyId"},
                              {"ExpiredKeysDropped": "$dropped"}),
                already="    this certificate is already there: left as it is and not recorded (undo leaves it too).",
                after=done,
            ),
        )
    return block(graph_connect(tenant), _load_certificate(certificate_path), _app_loop(app_ids, body))


def graph_remove_certificate(tenant: str, step: str) -> str:
    """Undo of graph_upload_certificate: remove each key that `step` recorded, only while it is still there,
    resubmitting every other key as it is; keys setup found in place were not recorded and stay."""
    from wizard.playbook.changes import leave_alone_if, stop, undo_recorded

    revert = block(
        "$appId = [string]$entry.identity.AppId",
        _find_principal("$appId"),
        leave_alone_if("-not $principal", "The service principal is no longer in the tenant: left alone."),
        "# Graph returns key material only when one object is read with $select=keyCredentials.",
        f"$current = @(({_READ_KEYS}).KeyCredentials)",
        leave_alone_if(f"@($current | Where-Object {{ {_IS_RECORDED_KEY} }}).Count -eq 0",
                       "The key setup added is no longer on the service principal: left alone."),
        f"$others = @($current | Where-Object {{ -not {_IS_RECORDED_KEY} }})",
        "if (@($others | Where-Object { -not $_.Key }).Count -gt 0) {",
        "    throw \"${appId}: Graph did not return the other keys' material; not updating (it would drop them).\"",
        "}",
        f"$keys = @($others | {_KEY_AS_HASHTABLE})",
        stop("Update-MgServicePrincipal -ServicePrincipalId $principal.Id -KeyCredentials $keys"),
        f"if (@(({_READ_KEYS}).KeyCredentials | Where-Object {{ {_IS_RECORDED_KEY} }}).Count -gt 0) {{",
        "    throw \"${appId}: the key is still there after the update; check the output above.\"",
        "}",
        "Write-Host \"    ${appId}: removed the key setup added ($($entry.identity.Thumbprint)); "
        "$($keys.Count) other key(s) kept.\"",
    )
    return block(graph_connect(tenant), undo_recorded(step, GRAPH_KEY_TYPE, revert))


def graph_certificate_dates(tenant: str, certificate_path: str, app_ids: Sequence[str]) -> str:
    """Show, per service principal, the key that is this certificate next to the certificate's own dates.

    It only reads, so it signs in (when no session is open) with Application.Read.All.
    """
    loop_body = block(
        _principal_keys(),
        f"$match = $current | Where-Object {{ {_IS_THIS_CERTIFICATE} }} | Select-Object -First 1",
        "if ($match) {",
        "    $rows += [pscustomobject]@{ AppId = $appId; KeyStart = $match.StartDateTime; "
        "KeyEnd = $match.EndDateTime; CertificateStart = $certificate.NotBefore.ToUniversalTime(); "
        "CertificateEnd = $certificate.NotAfter.ToUniversalTime() }",
        "} else {",
        "    Write-Warning \"${appId}: this certificate is not among its keys.\"",
        "}",
    )
    return block(
        graph_connect(tenant, ("Application.Read.All",)),
        _load_certificate(certificate_path),
        "$rows = @()",
        _app_loop(app_ids, loop_body),
        "$rows | Format-Table -AutoSize",
    )
