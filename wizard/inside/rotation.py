"""Certificate rotation plan: per trusted certificate, its expiry and what must be redone when it is replaced.

Replacing a signing certificate is not one command: Exchange's auth certificate must be created,
made "next", published, the old one cleared, services restarted, the tenant's service principals
updated (merging keys), and SfB told to re-read Exchange's metadata; SfB's OAuthTokenIssuer is rolled
with an effective date and Exchange re-reads SfB's metadata. The plan lists these steps in order
across shells, renders one script per certificate and shell (literal-quoted, like the playbook's
scripts), a runbook, and an .ics calendar with reminders 60 and 30 days before each expiry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from wizard.inside.findings import short
from wizard.inside.ics import Alarm, Event, render_calendar
from wizard.inside.rules import (
    RuleContext,
    dedicated_hybrid_app_id,
    exchange_apps_for,
    exchange_certificate,
    sfb_token_issuer,
)
from wizard.playbook import cases
from wizard.playbook import commands as cmd
from wizard.playbook.commands import Expr
from wizard.playbook.phases.hybrid import (
    EXCHANGE_APP_IDS,
    EXCHANGE_CERT_FILE,
    SFB_CERT_FILE,
    sfb_certificate_principals,
)
from wizard.playbook.psquote import array, literal
from wizard.playbook.script_file import comment, title_line, write_scripts
from wizard.playbook.snippets import graph_upload_certificate
from wizard.playbook.step import Shell
from wizard.policy import EXCHANGE_SERVICE_ID, EXPIRY_REMINDER_DAYS, MIN_RSA_KEY_BITS, SFB_SERVICE_ID
from wizard.safe_text import markdown_escape
from wizard.scenario import atomic_write_bytes
from wizard.topology import ExchangeKind
from wizard.validation import InvalidValue, fqdn

REMINDERS = tuple(timedelta(days=days) for days in EXPIRY_REMINDER_DAYS)
REMINDER_WORDS = " and ".join(str(days) for days in EXPIRY_REMINDER_DAYS)  # "60 and 30"
CALENDAR_FILE = "certificate-rotation.ics"
RUNBOOK_FILE = "certificate-rotation.md"


@dataclass(frozen=True)
class RotationStep:
    number: int
    shell: Shell  # Shell.BROWSER marks a manual step (a wizard, a wait): described, not scripted
    title: str
    why: str
    command: str = ""  # PowerShell with every value already literal-quoted

    @property
    def manual(self) -> bool:
        return self.shell is Shell.BROWSER


@dataclass(frozen=True)
class CertificateRotation:
    key: str  # "exchange-auth" or "sfb-oauth": also the script name prefix
    title: str
    thumbprint: str
    subject: str
    not_after: datetime | None
    steps: tuple[RotationStep, ...]
    parameters: dict[Shell, str]  # the param() block each shell's script starts with

    def script_name(self, shell: Shell) -> str:
        return f"{self.key}-rotation-{shell.value}.ps1"

    @property
    def shells(self) -> tuple[Shell, ...]:
        return tuple(dict.fromkeys(s.shell for s in self.steps if not s.manual))


@dataclass(frozen=True)
class RotationPlan:
    generated_at: datetime
    topology_label: str
    rotations: tuple[CertificateRotation, ...]

    @property
    def is_empty(self) -> bool:
        return not self.rotations


def build_rotation_plan(ctx: RuleContext) -> RotationPlan:
    """A rotation per certificate the collected data shows in use (Exchange auth, SfB OAuthTokenIssuer)."""
    rotations = []
    exchange = _exchange_rotation(ctx)
    if exchange:
        rotations.append(exchange)
    sfb = _sfb_rotation(ctx)
    if sfb:
        rotations.append(sfb)
    return RotationPlan(ctx.now, ctx.topology.label, tuple(rotations))


def _numbered(steps: list[tuple[Shell, str, str, str]]) -> tuple[RotationStep, ...]:
    return tuple(RotationStep(i, shell, title, why, command) for i, (shell, title, why, command) in
                 enumerate(steps, 1))


def _exchange_servers(ctx: RuleContext) -> list[str]:
    """Scenario servers plus the ones the collector found, validated (they go into the script)."""
    names = list(ctx.scenario.exchange_fqdns)
    exchange = ctx.collected.exchange
    if exchange is not None:
        names += [s.fqdn for s in exchange.servers if s.fqdn]
    valid: list[str] = []
    for name in names:
        try:
            host = fqdn(name)
        except InvalidValue:
            continue
        if host not in valid:
            valid.append(host)
    return valid


def _verify(ctx: RuleContext) -> tuple[Shell, str, str, str] | None:
    if not (ctx.topology.sfb_on_prem and ctx.scenario.test_sip_uri):
        return None
    return (Shell.SFB, "Verify: Test-CsExStorageConnectivity",
            "Writes and deletes (-DeleteItem) an item in the test user's mailbox with OAuth; 'Test passed' means "
            "both sides accept each other's tokens again.",
            cmd.ex_storage_connectivity(ctx.scenario.test_sip_uri))


def _exchange_rotation(ctx: RuleContext) -> CertificateRotation | None:
    exchange = ctx.collected.exchange
    topology = ctx.topology
    if (exchange is None or exchange.auth_config is None or not exchange.auth_config.current_thumbprint
            or not topology.exchange_has_oauth):
        return None
    current = exchange_certificate(exchange, exchange.auth_config.current_thumbprint)
    tenant = topology.involves_tenant
    steps: list[tuple[Shell, str, str, str]] = []
    create = [
        f"$newCertificate = {cmd.new_exchange_auth_certificate()}",
        "$newThumbprint = $newCertificate.Thumbprint",
        "'New auth certificate: ' + $newThumbprint",
    ]
    if tenant:
        create += [
            f"$certificateFile = {EXCHANGE_CERT_FILE}",
            "$folder = Split-Path -Path $certificateFile -Parent",
            "if (-not (Test-Path -Path $folder)) { New-Item -ItemType Directory -Path $folder | Out-Null }",
            "$x509 = Get-Item -Path ('Cert:\\LocalMachine\\My\\' + $newThumbprint)",
            "[System.IO.File]::WriteAllBytes($certificateFile, "
            "$x509.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Cert))",
        ]
    steps.append((Shell.EXCHANGE, "Create the new auth certificate" + (" and export its public part" if tenant else ""),
                  f"A new self-signed certificate, as Exchange setup makes it ({MIN_RSA_KEY_BITS}-bit, five years)."
                  + (" The tenant must hold it before Exchange signs with it." if tenant else ""),
                  "\n".join(create)))
    if tenant:
        steps.append((Shell.GRAPH, "Add the new certificate to the tenant's service principals",
                      "Copy the exported .cer to the same path on this computer first. The update replaces the key "
                      "list, so the existing unexpired keys are kept and the new one is added: until the switch the "
                      "old certificate keeps working.",
                      graph_upload_certificate(cases.tenant_reference(ctx.scenario), EXCHANGE_CERT_FILE,
                                               EXCHANGE_APP_IDS)))
    steps += [
        (Shell.EXCHANGE, "Make it the next auth certificate",
         "Exchange warns when the effective date is less than 48 hours away; -Force accepts that, because the "
         "certificate is published in the next step.",
         cmd.set_auth_config_next_certificate(Expr("$newThumbprint"), force=True)),
        (Shell.EXCHANGE, "Publish it", "Makes the next certificate the current one on every server.",
         cmd.set_auth_config_publish()),
        (Shell.EXCHANGE, "Clear the previous certificate", "The old certificate stops being accepted.",
         cmd.set_auth_config_clear_previous()),
        (Shell.EXCHANGE, "Restart the service host and IIS on every Exchange server",
         "MSExchangeServiceHost publishes the new certificate and IIS reloads it; publication can take up to an "
         "hour.",
         f"foreach ($server in {array(_exchange_servers(ctx))}) {{\n"
         f"    {cmd.restart_service_host(Expr('$server'))}\n"
         "    iisreset $server /noforce\n}"),
    ]
    if tenant and dedicated_hybrid_app_id(exchange, ctx.scenario.tenant_id):
        steps.append((Shell.EXCHANGE, "Upload the new certificate to the dedicated Exchange hybrid application",
                      "Exchange Online trusts Exchange Server's tokens through the tenant's own hybrid application "
                      f"since 2025, not through the shared Exchange Online principal ({EXCHANGE_SERVICE_ID}); "
                      "microsoft/CSS-Exchange \u201cConfigureExchangeHybridApplication\u201d documents this run "
                      "after a renewal (download the script from CSS-Exchange's releases first).",
                      cmd.exchange_hybrid_application("UpdateCertificate")))
    elif tenant and topology.exchange is ExchangeKind.HYBRID:
        steps.append((Shell.BROWSER, "Set up the dedicated Exchange hybrid application",
                      "It is not configured: run the current Hybrid Configuration Wizard, or "
                      f"{cmd.exchange_hybrid_application('FullyConfigureExchangeHybridApplication')} from "
                      "microsoft/CSS-Exchange, which uploads the current auth certificate to it (the shared Exchange "
                      f"Online principal {EXCHANGE_SERVICE_ID} no longer carries hybrid calls).", ""))
    if topology.sfb_on_prem:
        steps.append((Shell.SFB, "Make Skype for Business re-read Exchange's metadata",
                      "Setting the metadata URL again downloads the document with the new key now instead of at the "
                      "next scheduled refresh.",
                      cmd.each_cs_partner_application(EXCHANGE_SERVICE_ID, cmd.set_cs_partner_application(
                          Expr("$_.Identity"), metadata_url=ctx.scenario.exchange_metadata_url))))
    verify = _verify(ctx)
    if verify:
        steps.append(verify)
    return CertificateRotation(
        key="exchange-auth", title="Exchange auth certificate", thumbprint=exchange.auth_config.current_thumbprint,
        subject=current.subject if current else "", not_after=current.not_after if current else None,
        steps=_numbered(steps), parameters={})


def _sfb_rotation(ctx: RuleContext) -> CertificateRotation | None:
    if not ctx.topology.sfb_on_prem:
        return None
    cert, _ = sfb_token_issuer(ctx)
    if cert is None:
        return None
    tenant = ctx.topology.involves_tenant
    steps: list[tuple[Shell, str, str, str]] = [
        (Shell.BROWSER, "Get the new certificate onto one Front End",
         "Request it (Skype for Business Deployment Wizard or Request-CsCertificate) with the SIP domain "
         f"{ctx.scenario.default_sip_domain} in the subject, a {MIN_RSA_KEY_BITS}-bit or larger key and an exportable "
         "private key, "
         "into LocalMachine\\My of one Front End server.", ""),
    ]
    check = [
        "$certificate = Get-Item -Path ('Cert:\\LocalMachine\\My\\' + $NewThumbprint)",
        "if ($certificate.NotAfter -le $EffectiveDate) { throw 'The new certificate expires before it takes over.' }",
    ]
    if tenant:
        check += [
            f"$certificateFile = {SFB_CERT_FILE}",
            "$folder = Split-Path -Path $certificateFile -Parent",
            "if (-not (Test-Path -Path $folder)) { New-Item -ItemType Directory -Path $folder | Out-Null }",
            "Export-Certificate -Cert $certificate -FilePath $certificateFile | Out-Null",
        ]
    steps.append((Shell.SFB, "Check the new certificate" + (" and export its public part" if tenant else ""),
                  "It must be in this Front End's store and outlive its effective date.", "\n".join(check)))
    if tenant:
        principals = sfb_certificate_principals(ctx.topology)
        names = {SFB_SERVICE_ID: "Skype for Business", EXCHANGE_SERVICE_ID: "Exchange Online"}
        whom = (f"the Skype for Business service principal ({SFB_SERVICE_ID})" if principals == (SFB_SERVICE_ID,) else
                " and ".join(f"{names.get(p, p)} ({p})" for p in principals) + " service principals")
        steps.append((Shell.GRAPH, f"Add the new certificate to {whom}",
                      "Copy the exported .cer to the same path on this computer first. Existing keys are kept, so "
                      "the current certificate keeps working until the roll.",
                      graph_upload_certificate(cases.tenant_reference(ctx.scenario), SFB_CERT_FILE, principals)))
    steps.append((Shell.SFB, "Roll the OAuthTokenIssuer certificate",
                  "Run once, on one Front End: the Central Management Store replicates it, and every Front End "
                  "switches at the effective date.",
                  cmd.set_cs_oauth_token_issuer(Expr("$NewThumbprint"), effective_date=Expr("$EffectiveDate"))))
    steps.append((Shell.BROWSER, "Wait for the effective date",
                  f"Check on each Front End that {cmd.get_cs_oauth_token_issuer()} shows the new thumbprint "
                  "(Get-CsManagementStoreReplicationStatus shows replication).", ""))
    exchange = ctx.collected.exchange
    if ctx.topology.exchange_on_prem and ctx.topology.exchange_has_oauth and (
            exchange is None or any(a.auth_metadata_url for a in exchange_apps_for(exchange, SFB_SERVICE_ID))):
        steps.append((Shell.EXCHANGE, "Make Exchange re-read Skype for Business's metadata",
                      "Exchange caches the partner's metadata; refreshing it now picks up the new key.",
                      cmd.refresh_sfb_metadata()))
    verify = _verify(ctx)
    if verify:
        steps.append(verify)
    parameters = {Shell.SFB: (
        "param(\n"
        "    [Parameter(Mandatory = $true)][ValidatePattern('^[0-9A-Fa-f]{40}$')][string]$NewThumbprint,\n"
        "    [datetime]$EffectiveDate = (Get-Date).AddDays(1)\n)")}
    return CertificateRotation(
        key="sfb-oauth", title="Skype for Business OAuthTokenIssuer certificate", thumbprint=cert.thumbprint,
        subject=cert.subject, not_after=cert.not_after, steps=_numbered(steps), parameters=parameters)


# ----------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------
def _expires(rotation: CertificateRotation) -> str:
    return rotation.not_after.date().isoformat() if rotation.not_after else "an unknown date"


def render_script(rotation: CertificateRotation, shell: Shell) -> str:
    """One shell's steps of one rotation; it pauses where a step in another shell must come first.

    Lines end in \\n here; the one .ps1 writer (wizard.playbook.script_file) makes the file's bytes (BOM, CRLF).
    Comments go through script_file.comment(): no collected value (a subject) can end a comment line early.
    """
    own = [s for s in rotation.steps if s.shell is shell]
    lines = [
        title_line(f"rotation of the {rotation.title}"),
        "#",
        *comment(f"Replaces {rotation.thumbprint} ({rotation.subject or 'subject unknown'}), which expires on "
                 f"{_expires(rotation)}."),
        "# THIS SCRIPT CHANGES CONFIGURATION. Read each step before running it.",
        *comment(f"Run in: {shell.title}."),
        *comment(f"Steps here: {', '.join(str(s.number) for s in own)} of {len(rotation.steps)} "
                 f"({RUNBOOK_FILE} lists them all, in order)."),
    ]
    if rotation.parameters.get(shell):
        lines.append(rotation.parameters[shell])
    lines += ["", "$ErrorActionPreference = 'Stop'"]
    previous = 0
    for step in own:
        between = [s for s in rotation.steps if previous < s.number < step.number]
        if between:
            names = "; ".join(f"{s.number} ({rotation.script_name(s.shell) if not s.manual else 'manual'})"
                              for s in between)
            lines += ["", *comment(f"Before step {step.number}, finish step(s) {names}:"),
                      *(line for s in between for line in comment(f"{s.number}. {s.title}", hang=4)),
                      f"$null = Read-Host -Prompt {literal(f'Step(s) {names} done? Press Enter to continue')}"]
        lines += ["", *comment(f"Step {step.number}: {step.title}"), *comment(step.why), step.command]
        previous = step.number
    return "\n".join([*lines, ""])


def render_scripts(plan: RotationPlan) -> dict[str, str]:
    return {r.script_name(shell): render_script(r, shell) for r in plan.rotations for shell in r.shells}


def render_runbook(plan: RotationPlan) -> str:
    lines = [f"# Certificate rotation plan ({plan.topology_label})", "",
             f"Made {plan.generated_at.date().isoformat()} from collected data. Each certificate's steps run in "
             "this order; a script pauses where a step of another shell has to come first.", ""]
    for rotation in plan.rotations:
        subject = markdown_escape(rotation.subject) if rotation.subject else "subject unknown"
        lines += [f"## {rotation.title}", "",
                  f"Thumbprint {markdown_escape(rotation.thumbprint)}, {subject}, expires "
                  f"{_expires(rotation)}. Calendar reminders: {REMINDER_WORDS} days before ({CALENDAR_FILE}).", ""]
        for step in rotation.steps:
            where = "manual" if step.manual else f"`{rotation.script_name(step.shell)}`"
            lines += [f"{step.number}. **{step.title}** ({where}): {step.why}"]
            if step.command:
                lines += ["", "   ```powershell", *(f"   {line}" for line in step.command.splitlines()), "   ```"]
            lines.append("")
    return "\n".join(lines)


def render_ics(plan: RotationPlan) -> str:
    events = []
    for rotation in plan.rotations:
        if rotation.not_after is None:
            continue
        steps = "\n".join(f"{s.number}. {s.title}" for s in rotation.steps)
        events.append(Event(
            uid=f"{rotation.key}-{rotation.thumbprint.lower()}@sfb-exchange-wizard",
            start=rotation.not_after,
            summary=f"{rotation.title} {short(rotation.thumbprint)} expires",
            description=f"{rotation.title} {rotation.thumbprint} ({rotation.subject}) expires. Rotate it before "
                        f"then ({RUNBOOK_FILE}):\n{steps}",
            alarms=tuple(Alarm(before, f"{rotation.title} expires in {before.days} days: start the rotation")
                         for before in REMINDERS),
            categories=("Certificates",)))
    return render_calendar(events, stamp=plan.generated_at, name="Certificate rotation")


def write_plan(plan: RotationPlan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Scripts (through the one .ps1 writer: UTF-8 with BOM, CRLF), the runbook and the calendar, each file
    atomically; everything is rendered before anything is written."""
    scripts = render_scripts(plan)
    others = {RUNBOOK_FILE: render_runbook(plan).encode("utf-8"), CALENDAR_FILE: render_ics(plan).encode("utf-8")}
    target = Path(out_dir)
    written = write_scripts(target, scripts)
    for name, data in others.items():
        atomic_write_bytes(target / name, data)
        written.append(target / name)
    return written
