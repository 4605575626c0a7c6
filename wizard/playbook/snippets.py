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

def graph_connect(tenant: str, scopes: Sequence[str] = ("Application.ReadWrite.All",)) -> str:
    """Connect once per session; later steps reuse the connection (and still work when run alone)."""
    scope_list = ", ".join(q(s) for s in scopes)
    return if_not("Get-MgContext", f"Connect-MgGraph -TenantId {q(tenant)} -Scopes {scope_list} -NoWelcome")


# A key is "this certificate" when its customKeyIdentifier is the thumbprint or its key bytes are the certificate.
_IS_THIS_CERTIFICATE = (
    "(($_.CustomKeyIdentifier -and [System.Convert]::ToBase64String($_.CustomKeyIdentifier) -eq $thumbprintKey) -or "
    "($_.Key -and [System.Convert]::ToBase64String($_.Key) -eq $rawKey))")

_KEY_AS_HASHTABLE = (
    "ForEach-Object { @{ type = $_.Type; usage = $_.Usage; key = $_.Key; displayName = $_.DisplayName; "
    "customKeyIdentifier = $_.CustomKeyIdentifier; startDateTime = $_.StartDateTime; endDateTime = $_.EndDateTime } }")


def _load_certificate(certificate_path: str) -> str:
    return block(
        f"$certificateFile = {certificate_path}",
        "$certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($certificateFile)",
        "$thumbprintKey = [System.Convert]::ToBase64String($certificate.GetCertHash())",
        "$rawKey = [System.Convert]::ToBase64String($certificate.GetRawCertData())",
    )


def _principal_keys() -> str:
    return block(
        "$principal = Get-MgServicePrincipal -Filter \"AppId eq '$appId'\"",
        "if (-not $principal) { throw \"No service principal with AppId $appId in this tenant.\" }",
        "# Graph returns key material only when one object is read with $select=keyCredentials.",
        "$withKeys = Get-MgServicePrincipal -ServicePrincipalId $principal.Id -Property 'keyCredentials'",
        "$current = @($withKeys.KeyCredentials)",
    )


def graph_upload_certificate(tenant: str, certificate_path: str, app_ids: Sequence[str]) -> str:
    """Add a certificate to service principals without losing their other keys.

    Update-MgServicePrincipal -KeyCredentials replaces the whole list, so the script reads the existing
    keys, keeps the unexpired ones, skips a principal that already holds this certificate and adds it.
    `certificate_path` is a PowerShell expression (already quoted where it carries a user value).
    """
    loop_body = block(
        _principal_keys(),
        f"if ($current | Where-Object {{ {_IS_THIS_CERTIFICATE} }}) {{",
        "    Write-Host \"${appId}: this certificate is already there; nothing to add.\"",
        "    continue",
        "}",
        "$kept = @($current | Where-Object { $_.EndDateTime -gt (Get-Date) })",
        "if ($kept | Where-Object { -not $_.Key }) {",
        "    throw \"${appId}: Graph did not return the existing keys' material; not updating (it would drop them).\"",
        "}",
        f"$keys = @($kept | {_KEY_AS_HASHTABLE})",
        "$keys += @{ type = 'AsymmetricX509Cert'; usage = 'Verify'; key = $certificate.GetRawCertData(); "
        "displayName = $certificate.Subject }",
        "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -KeyCredentials $keys",
        "Write-Host \"${appId}: certificate added; $($kept.Count) unexpired key(s) kept.\"",
    )
    return block(
        graph_connect(tenant),
        _load_certificate(certificate_path),
        f"foreach ($appId in @({', '.join(q(a) for a in app_ids)})) {{",
        indent(loop_body),
        "}",
    )


def graph_remove_certificate(tenant: str, certificate_path: str, app_ids: Sequence[str]) -> str:
    """Undo of graph_upload_certificate: drop only this certificate's key, resubmitting all the others."""
    loop_body = block(
        "$principal = Get-MgServicePrincipal -Filter \"AppId eq '$appId'\"",
        "if (-not $principal) { continue }",
        "$withKeys = Get-MgServicePrincipal -ServicePrincipalId $principal.Id -Property 'keyCredentials'",
        "$current = @($withKeys.KeyCredentials)",
        f"if (-not ($current | Where-Object {{ {_IS_THIS_CERTIFICATE} }})) {{ continue }}",
        f"$others = @($current | Where-Object {{ -not {_IS_THIS_CERTIFICATE} }})",
        "if ($others | Where-Object { -not $_.Key }) {",
        "    throw \"${appId}: Graph did not return the other keys' material; not updating (it would drop them).\"",
        "}",
        f"$keys = @($others | {_KEY_AS_HASHTABLE})",
        "Update-MgServicePrincipal -ServicePrincipalId $principal.Id -KeyCredentials $keys",
        "Write-Host \"${appId}: certificate removed; $($keys.Count) other key(s) kept.\"",
    )
    return block(
        graph_connect(tenant),
        _load_certificate(certificate_path),
        f"foreach ($appId in @({', '.join(q(a) for a in app_ids)})) {{",
        indent(loop_body),
        "}",
    )


def graph_certificate_dates(tenant: str, certificate_path: str, app_ids: Sequence[str]) -> str:
    """Show, per service principal, the key that is this certificate next to the certificate's own dates."""
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
        graph_connect(tenant),
        _load_certificate(certificate_path),
        "$rows = @()",
        f"foreach ($appId in @({', '.join(q(a) for a in app_ids)})) {{",
        indent(loop_body),
        "}",
        "$rows | Format-Table -AutoSize",
    )
