"""One home per command: the builders of wizard.playbook.commands are what the fix texts and the rotation plan show.

Each builder's command parses and quotes its values with psquote.literal (an O'Brien is doubled); step_pointer
names the script and step as the exported script numbers them; the fix texts of the checks and of the
collected-data rules show the builders' output for the scenario's values; no fix text quotes a value by hand.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from inside import samples
from pwsh import parse

from wizard.inside.collected import combine, parse_collected
from wizard.inside.rotation import build_rotation_plan, render_scripts
from wizard.inside.rules import RuleContext, run_rules
from wizard.lab import Lab
from wizard.playbook import commands as cmd
from wizard.playbook.commands import Expr, Placeholder
from wizard.playbook.export import exported_steps, render_script
from wizard.playbook.psquote import literal
from wizard.playbook.snippets import zone_and_name
from wizard.playbook.step import Shell
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.probes.challenges import judge_sfb_challenge
from wizard.probes.context import ProbeContext
from wizard.probes.net.http import HttpResponse
from wizard.probes.registry import probes_for
from wizard.probes.result import ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.scenario import Scenario, example_scenario

OBRIEN = "O'Brien"
PLACEHOLDER = re.compile(r"<[A-Za-z0-9][A-Za-z0-9 ._\\-]*>")


def runnable(command: str) -> str:
    """The command with each bare <placeholder> made a literal, so that it can be parsed."""
    return PLACEHOLDER.sub(lambda m: literal(m.group(0)) if not _inside_literal(command, m.start()) else m.group(0),
                           command)


def _inside_literal(text: str, index: int) -> bool:
    return text[:index].count("'") % 2 == 1


def parsed_ok(command: str) -> tuple[str, ...]:
    """The command names of a command that parses (a script called with & counts as its file name)."""
    result = parse(runnable(command))
    assert result.errors == (), (command, result.errors)
    assert result.nameless_commands == () or command.startswith("&"), command
    return result.commands or tuple(re.findall(r"[\w-]+\.ps1", command))


def head(command: str) -> str:
    """The cmdlet (or script) a command line runs first."""
    return parsed_ok(command)[0]


# ---------------------------------------------------------------------------------------------
# The builders
# ---------------------------------------------------------------------------------------------
# builder(value) for each builder that takes a value, and the command names it runs
VALUE_BUILDERS: dict[str, tuple[Callable[[str], str], tuple[str, ...]]] = {
    "set_cs_oauth_configuration.url": (lambda v: cmd.set_cs_oauth_configuration(exchange_autodiscover_url=v),
                                       ("Set-CsOAuthConfiguration",)),
    "set_cs_oauth_configuration.realm": (lambda v: cmd.set_cs_oauth_configuration(realm=v),
                                         ("Set-CsOAuthConfiguration",)),
    "new_cs_partner_application_exchange": (cmd.new_cs_partner_application_exchange, ("New-CsPartnerApplication",)),
    "set_cs_partner_application": (lambda v: cmd.set_cs_partner_application(v, metadata_url=v),
                                   ("Set-CsPartnerApplication",)),
    "set_cs_oauth_token_issuer": (lambda v: cmd.set_cs_oauth_token_issuer(v, effective_date=v), ("Set-CsCertificate",)),
    "import_cs_oauth_token_issuer": (lambda v: cmd.import_cs_oauth_token_issuer(v, v), ("Import-CsCertificate",)),
    "export_cs_oauth_token_issuer": (cmd.export_cs_oauth_token_issuer,
                                     ("Get-CsCertificate", "Export-Certificate", "Get-Item")),
    "ex_storage_connectivity": (cmd.ex_storage_connectivity, ("Test-CsExStorageConnectivity",)),
    "configure_enterprise_partner_application": (cmd.configure_enterprise_partner_application, ()),
    "new_partner_application": (lambda v: cmd.new_partner_application(v, v, linked_account=v),
                                ("New-PartnerApplication",)),
    "set_partner_application": (lambda v: cmd.set_partner_application(v, enabled=True), ("Set-PartnerApplication",)),
    "each_partner_application": (lambda v: cmd.each_partner_application(v, "Set-PartnerApplication -Enabled $true"),
                                 ("Get-PartnerApplication", "Where-Object", "Set-PartnerApplication")),
    "each_cs_partner_application": (lambda v: cmd.each_cs_partner_application(v, cmd.set_cs_partner_application(
        Expr("$_.Identity"), enabled=True)), ("Get-CsPartnerApplication", "Where-Object", "ForEach-Object",
                                              "Set-CsPartnerApplication")),
    "set_auth_config_next_certificate": (cmd.set_auth_config_next_certificate, ("Set-AuthConfig", "Get-Date")),
    "set_autodiscover_internal_uri": (lambda v: cmd.set_autodiscover_internal_uri("ClientAccessService", v, v),
                                      ("Set-ClientAccessService",)),
    "restart_service_host": (cmd.restart_service_host, ("Get-Service", "Restart-Service")),
    "set_cs_web_certificate": (cmd.set_cs_web_certificate, ("Set-CsCertificate",)),
    "enable_exchange_iis_certificate": (cmd.enable_exchange_iis_certificate, ("Enable-ExchangeCertificate",)),
    "show_recipient": (cmd.show_recipient, ("Get-Recipient", "Format-List")),
    "set_ews_external_url": (lambda v: cmd.set_ews_external_url(v, v), ("Set-WebServicesVirtualDirectory",)),
    "disable_auth_server": (cmd.disable_auth_server, ("Set-AuthServer",)),
    "oauth_connectivity": (cmd.oauth_connectivity, ("Test-OAuthConnectivity",)),
    "set_organization_ews": (lambda v: cmd.set_organization_ews(enabled=True, allow_list_add=v, allowed_app_ids=v),
                             ("Set-OrganizationConfig",)),
    "set_mailbox_ews": (lambda v: cmd.set_mailbox_ews(v, allow_list_add=v), ("Set-CASMailbox",)),
    "add_service_principal_names": (lambda v: cmd.add_service_principal_names([v, v]), ("Update-MgServicePrincipal",)),
    "exchange_hybrid_application": (lambda v: cmd.exchange_hybrid_application(
        "ConfigureAuthServer", custom_app_id=v, tenant_id=v, certificate_information=v), ()),
    "add_dns_cname": (lambda v: cmd.add_dns_cname(v, v, v), ("Add-DnsServerResourceRecordCName",)),
    "add_dns_srv": (lambda v: cmd.add_dns_srv(v, v, v, priority=0, weight=0, port=443),
                    ("Add-DnsServerResourceRecord",)),
}


@pytest.mark.parametrize("name", sorted(VALUE_BUILDERS))
def test_each_builder_quotes_its_values_with_literal_and_parses(name: str) -> None:
    build, commands = VALUE_BUILDERS[name]
    command = build(OBRIEN)
    assert "'O''Brien'" in command or "O''Brien" in command, command
    assert "O'Brien" not in command.replace("O''Brien", ""), f"a single quote left undoubled: {command}"
    names = parsed_ok(command)
    assert tuple(n for n in names if n in commands) == commands or set(commands) <= set(names), (command, names)
    assert OBRIEN in "".join(parse(command).strings), "the value reads back as it was given"


def test_only_documented_switches_of_the_hybrid_application_script() -> None:
    with pytest.raises(ValueError):
        cmd.exchange_hybrid_application("RemoveEverything")
    with pytest.raises(ValueError):
        cmd.exchange_hybrid_application()


def test_a_value_cannot_end_the_literal_or_inject_a_command() -> None:
    attack = "x'; Remove-Item C:\\ -Recurse; '"
    for name, (build, _) in VALUE_BUILDERS.items():
        assert "Remove-Item" not in parse(build(attack)).commands, name


@pytest.mark.parametrize("builder", [cmd.set_cs_oauth_service_name, cmd.new_cs_partner_application_exchange_online,
                                     cmd.get_cs_oauth_token_issuer, cmd.refresh_sfb_metadata,
                                     cmd.new_exchange_auth_certificate, cmd.set_auth_config_publish,
                                     cmd.set_auth_config_clear_previous, cmd.set_auth_config_service_name,
                                     cmd.show_auth_servers, cmd.show_ews_urls])
def test_builders_without_values_parse(builder: Callable[[], str]) -> None:
    assert parsed_ok(builder())


def test_placeholders_stay_readable_blanks_and_expressions_stay_code() -> None:
    assert cmd.set_cs_oauth_token_issuer(Placeholder("thumbprint")) == (
        "Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint <thumbprint>")
    assert cmd.set_cs_oauth_token_issuer(Expr("$NewThumbprint"), effective_date=Expr("$EffectiveDate")) == (
        "Set-CsCertificate -Identity global -Type OAuthTokenIssuer -Thumbprint $NewThumbprint "
        "-EffectiveDate $EffectiveDate -Roll")
    assert cmd.arg("<thumbprint>") == "'<thumbprint>'", "a str is always a value, even one that looks like a blank"
    for bad in ("thumb>print", "", "a'b"):
        with pytest.raises(ValueError):
            Placeholder(bad)
    for bad in ("$a; Remove-Item C:\\", "$a\n", ""):
        with pytest.raises(ValueError):
            Expr(bad)


def test_service_principal_filter_is_one_literal() -> None:
    command = cmd.get_service_principal(EXCHANGE_SERVICE_ID)
    assert command == f"Get-MgServicePrincipal -Filter 'AppId eq ''{EXCHANGE_SERVICE_ID}'''"
    assert parse(command).strings == (f"AppId eq '{EXCHANGE_SERVICE_ID}'",)
    # OData doubles a quote inside its string as PowerShell does, so a quote is doubled once for each
    assert parse(cmd.get_service_principal(OBRIEN)).strings == ("AppId eq 'O''Brien'",)


# ---------------------------------------------------------------------------------------------
# step_pointer: the script and the step as the exported script numbers it
# ---------------------------------------------------------------------------------------------
def _scenarios() -> list[Scenario]:
    return [example_scenario(), samples.scenario("hybrid"), samples.scenario("onprem"),
            samples.scenario("exchange-hybrid")]


@pytest.mark.parametrize("index", range(4))
def test_step_pointer_matches_the_exported_scripts_banners(index: int) -> None:
    scenario = _scenarios()[index]
    steps = exported_steps(scenario)
    places = cmd.step_places(scenario)
    scripted = [s for s in steps if s.shell is not Shell.BROWSER]
    assert set(places) == {s.id for s in scripted}
    texts = {shell: render_script(scenario, shell, steps) for shell in {s.shell for s in scripted}}
    for step in scripted:
        place = places[step.id]
        pointer = cmd.step_pointer(scenario, step.id)
        assert pointer == f"{place.script}, step {place.number}/{place.total} '{step.title}'"
        assert place.script == f"{step.shell.value}-setup.ps1"
        banner = f"Write-Host {literal(f'[{place.number}/{place.total}] {step.title}')}"
        assert banner in texts[step.shell].splitlines(), (step.id, banner)


def test_step_pointer_is_empty_when_it_cannot_point() -> None:
    assert cmd.step_pointer(Scenario(), "oauth.realm") == ""  # incomplete scenario
    onprem = samples.scenario("onprem")
    assert cmd.step_pointer(onprem, "hybrid.upload-sfb-oauth-certificate") == ""  # not in this topology
    assert cmd.step_pointer(onprem, "no.such-step") == ""
    assert cmd.done_by(onprem, "no.such-step") == ""
    verify = samples.scenario("onprem")
    verify.update({"mode": "verify"})
    assert cmd.step_pointer(verify, "partner-applications.sfb-trusts-exchange") == ""  # changes: not exported
    first = next(s for s in exported_steps(verify) if s.shell is not Shell.BROWSER)
    assert cmd.step_pointer(verify, first.id).startswith(f"{first.shell.value}-verify.ps1, step 1/")


def test_step_pointer_counts_one_shells_steps_in_playbook_order() -> None:
    scenario = example_scenario()
    sfb = [s for s in exported_steps(scenario) if s.shell is Shell.SFB]
    number = next(i for i, s in enumerate(sfb, 1) if s.id == "partner-applications.sfb-trusts-exchange")
    assert cmd.step_pointer(scenario, "partner-applications.sfb-trusts-exchange") == (
        f"sfb-setup.ps1, step {number}/{len(sfb)} 'Register Exchange as a partner application in Skype for Business'")


# ---------------------------------------------------------------------------------------------
# The checks' fix texts (wizard.probes)
# ---------------------------------------------------------------------------------------------
def _challenge(trusted: str) -> HttpResponse:
    header = f'Bearer realm="", client_id="{SFB_SERVICE_ID}", trusted_issuers="{trusted}"'
    return HttpResponse(url="https://pool01.contoso.com/x", status=401, reason="Unauthorized",
                        headers=(("WWW-Authenticate", header),), body=b"", address="192.0.2.1")


def test_missing_partner_application_fix_is_the_steps_command_and_names_the_step() -> None:
    scenario = samples.scenario("onprem")
    finding = judge_sfb_challenge(_challenge("00000001-0000-0000-c000-000000000000@*"), scenario)
    assert finding.status is Status.FAIL
    command = cmd.new_cs_partner_application_exchange(scenario.exchange_metadata_url)
    assert command in finding.remediation
    assert parsed_ok(command) == ("New-CsPartnerApplication",)
    assert cmd.step_pointer(scenario, "partner-applications.sfb-trusts-exchange") in finding.remediation
    step = next(s for s in exported_steps(scenario) if s.id == "partner-applications.sfb-trusts-exchange")
    assert command in step.command, "the fix shows the step's own command"


def test_wrong_realm_fix_is_the_realm_steps_command() -> None:
    scenario = samples.scenario("onprem")
    assert not scenario.update({"sip_domains": ["contoso.com", "fabrikam.com"], "oauth_realm": "fabrikam.com"})
    finding = judge_sfb_challenge(_challenge(f"{EXCHANGE_SERVICE_ID}@contoso.com"), scenario)
    command = cmd.set_cs_oauth_configuration(realm="fabrikam.com")
    assert command in finding.remediation
    assert cmd.step_pointer(scenario, "oauth.realm") in finding.remediation
    step = next(s for s in exported_steps(scenario) if s.id == "oauth.realm")
    assert command in step.command


def _lab_results(fault: str, topology: str = "onprem") -> tuple[Scenario, dict[str, ProbeResult]]:
    with Lab.start([fault], topology=topology) as lab:
        lab.scenario.update({"mode": "setup"})  # the lab verifies; a setup bundle has the steps to point at
        ctx = ProbeContext(lab.settings)
        probes = probes_for(lab.scenario, login_base_url=lab.settings.login_base_url)
        results = run_probes(probes, lab.scenario, ctx)
        return lab.scenario, {r.id: r for r in results}


def _srv_fix(s: Scenario) -> str:
    zone, name = zone_and_name(f"_autodiscover._tcp.{s.smtp_domain}", [s.smtp_domain])
    return cmd.add_dns_srv(zone, name, s.effective_autodiscover_fqdn, priority=0, weight=0, port=443)


def _cname_fix(s: Scenario) -> str:
    zone, name = zone_and_name(s.effective_autodiscover_fqdn, [s.smtp_domain, *s.sip_domains])
    return cmd.add_dns_cname(zone, name, s.exchange_service_fqdn)


# fault -> (probe id, the command its fix shows for the lab's values, the step that performs it or "")
LAB_FIXES: dict[str, tuple[str, Callable[[Scenario], str], str]] = {
    "autodiscover-xml": ("oauth.autodiscover-url",
                         lambda s: cmd.set_cs_oauth_configuration(exchange_autodiscover_url=s.oauth_autodiscover_url),
                         "oauth.exchange-autodiscover-url"),
    "missing-srv": ("autodiscover.srv", _srv_fix, "autodiscover.dns-srv"),
    "missing-autodiscover-record": ("prerequisites.dns:autodiscover.contoso.com", _cname_fix, "autodiscover.dns-cname"),
    "no-partner-app": ("verification.sfb-trusts-exchange:pool01.contoso.com",
                       lambda s: cmd.new_cs_partner_application_exchange(s.exchange_metadata_url),
                       "partner-applications.sfb-trusts-exchange"),
    "exchange-oauth-disabled": ("verification.exchange-oauth.ews",
                                lambda s: cmd.configure_enterprise_partner_application(s.sfb_metadata_url),
                                "partner-applications.exchange-trusts-sfb"),
    "wrong-realm": ("partner-applications.sfb-metadata:pool01.contoso.com",
                    lambda s: cmd.set_cs_oauth_configuration(realm=s.effective_realm), ""),
    "expired-oauth-certificate": ("certificates.oauth.validity", lambda s: cmd.set_cs_oauth_token_issuer(
        Placeholder("new thumbprint"), effective_date=Placeholder("date")), ""),
    "split-front-ends": ("certificates.oauth.same-on-front-ends:pool01.contoso.com",
                         lambda s: cmd.set_cs_oauth_token_issuer(Placeholder("thumbprint")), ""),
    "exchange-auth-expired": ("certificates.exchange-auth",
                              lambda s: "; ".join(cmd.renew_exchange_auth_certificate(Placeholder("thumbprint"))), ""),
}


@pytest.mark.parametrize("fault", sorted(LAB_FIXES))
def test_lab_fault_fix_shows_the_builders_command_and_the_step(fault: str) -> None:
    probe_id, expected, step_id = LAB_FIXES[fault]
    scenario, results = _lab_results(fault)
    result = results[probe_id]
    assert result.status in (Status.FAIL, Status.WARN), result.detail
    command = expected(scenario)
    assert command in result.remediation, (command, result.remediation)
    assert parsed_ok(command)
    if step_id:
        pointer = cmd.step_pointer(scenario, step_id)
        assert pointer and pointer in result.remediation
        step = next(s for s in exported_steps(scenario) if s.id == step_id)
        assert head(command) in step.command, "the step runs the same cmdlet or script"


def test_teams_fixes_use_the_builders() -> None:
    _, results = _lab_results("ews-wrong-tenant-issuer", topology="teams")
    fix = results["verification.teams-ews-issuers"].remediation
    assert cmd.disable_auth_server(Placeholder("name")) in fix
    assert cmd.oauth_connectivity(Placeholder("on-premises mailbox")) in fix
    _, results = _lab_results("teams-autodiscover-v2-internal-url", topology="teams")
    fix = results["verification.teams-autodiscover-v2"].remediation
    command = cmd.set_ews_external_url("<server>\\EWS (Default Web Site)", "https://<external name>/EWS/Exchange.asmx")
    assert command in fix and parsed_ok(command) == ("Set-WebServicesVirtualDirectory",)


# ---------------------------------------------------------------------------------------------
# The collected-data rules' fix texts (wizard.inside.rules) and the rotation plan
# ---------------------------------------------------------------------------------------------
def _analyse(docs: samples.Docs, scenario: Scenario | None = None) -> dict[str, ProbeResult]:
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    results = run_rules(RuleContext(data, scenario or samples.scenario("hybrid"), samples.FIXED_NOW))
    return {r.id: r for r in results}


S = samples.scenario("hybrid")
# fault -> (rule id, the command its fix shows, the step it names or "")
RULE_FIXES: dict[str, tuple[str, str, str]] = {
    "autodiscover-xml": ("inside.autodiscover-url",
                         cmd.set_cs_oauth_configuration(exchange_autodiscover_url=S.oauth_autodiscover_url),
                         "oauth.exchange-autodiscover-url"),
    "cas-uri-server-name": ("inside.autodiscover-internal-uri", cmd.set_autodiscover_internal_uri(
        "ClientAccessService", "ex02.contoso.com", S.autodiscover_internal_uri), "autodiscover.internal-uri"),
    "realm-not-sip-domain": ("inside.oauth-realm", cmd.set_cs_oauth_configuration(realm="contoso.com"), ""),
    "sfb-service-name-empty": ("inside.oauth-service-names", cmd.set_cs_oauth_service_name(), "oauth.service-name"),
    "sfb-partner-missing": ("inside.sfb-partner-exchange", cmd.new_cs_partner_application_exchange(
        S.exchange_metadata_url), "partner-applications.sfb-trusts-exchange"),
    "sfb-partner-disabled": ("inside.sfb-partner-exchange", cmd.each_cs_partner_application(
        EXCHANGE_SERVICE_ID, cmd.set_cs_partner_application(Expr("$_.Identity"), enabled=True)),
        "partner-applications.sfb-trusts-exchange"),
    "sfb-partner-wrong-metadata": ("inside.sfb-partner-exchange", cmd.each_cs_partner_application(
        EXCHANGE_SERVICE_ID, cmd.set_cs_partner_application(Expr("$_.Identity"), metadata_url=S.exchange_metadata_url)),
        "partner-applications.sfb-trusts-exchange"),
    "exchange-partner-missing": ("inside.exchange-partner-sfb", cmd.configure_enterprise_partner_application(
        S.sfb_metadata_url), "partner-applications.exchange-trusts-sfb"),
    "exchange-partner-disabled": ("inside.exchange-partner-sfb", cmd.each_partner_application(
        SFB_SERVICE_ID, cmd.set_partner_application(enabled=True)), "partner-applications.exchange-trusts-sfb"),
    # The pool's certificate is right; the Front End that signs with another lags behind the CMS (no playbook step).
    "token-issuer-differs": ("inside.sfb-token-issuer-consistency",
                             cmd.invoke_cs_management_store_replication("fe02.contoso.com"), ""),
    "token-issuer-expired": ("inside.sfb-token-issuer-expiry", cmd.set_cs_oauth_token_issuer(
        Placeholder("new"), effective_date=Placeholder("date")), "certificates.sfb-oauth-token-issuer"),
    "token-issuer-weak-key": ("inside.sfb-token-issuer-properties", cmd.set_cs_oauth_token_issuer(
        Placeholder("new"), effective_date=Placeholder("date")), "certificates.sfb-oauth-token-issuer"),
    "exchange-auth-expired": ("inside.exchange-auth-cert-expiry",
                              "; ".join(cmd.renew_exchange_auth_certificate(Placeholder("new"))),
                              "certificates.exchange-auth"),
    "exchange-auth-missing-on-server": ("inside.exchange-auth-cert-servers",
                                        cmd.restart_service_host("ex02.contoso.com"), "certificates.exchange-auth"),
    "ews-spn-missing": ("inside.exchange-ews-spns", cmd.get_service_principal(EXCHANGE_SERVICE_ID), ""),
}


@pytest.mark.parametrize("fault", sorted(RULE_FIXES))
def test_rule_fix_shows_the_builders_command_and_names_the_step(fault: str) -> None:
    rule_id, command, step_id = RULE_FIXES[fault]
    result = _analyse(samples.faulty(fault))[rule_id]
    assert command in result.remediation, (command, result.remediation)
    assert parsed_ok(command)
    if step_id:
        assert f"Playbook step \u201c{step_id}\u201d ({cmd.step_pointer(S, step_id)}): " in result.remediation


def test_teams_partner_applications_fix_uses_the_builders() -> None:
    result = _analyse(samples.faulty("teams-apps-missing"))["inside.teams-partner-apps"]
    for command in (cmd.new_partner_application("TeamsScheduler", TEAMS_SCHEDULER_APP_ID,
                                                linked_account=Expr("$user.Identity")),
                    cmd.new_partner_application("CloudVoicemail", CLOUD_VOICEMAIL_APP_ID)):
        assert command in result.remediation
        assert parsed_ok(command) == ("New-PartnerApplication",)


def test_a_collected_address_with_a_quote_is_doubled_in_the_fix() -> None:
    docs = samples.healthy()
    mailbox = docs["exchange"]["cas_mailboxes"][0]
    mailbox.update({"PrimarySmtpAddress": "o'brien@contoso.com", "EwsEnabled": False})
    result = _analyse(docs)["inside.exchange-ews-access"]
    command = cmd.set_mailbox_ews("o'brien@contoso.com", enabled=True)
    assert command == "Set-CASMailbox -Identity 'o''brien@contoso.com' -EwsEnabled $true"
    assert command in result.remediation
    assert "'o'brien" not in result.remediation


def test_rotation_plan_commands_are_the_builders() -> None:
    docs = samples.healthy()
    data = combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in docs.items())
    scripts = render_scripts(build_rotation_plan(RuleContext(data, S, samples.FIXED_NOW)))
    sfb = scripts["sfb-oauth-rotation-sfb.ps1"]
    assert cmd.set_cs_oauth_token_issuer(Expr("$NewThumbprint"), effective_date=Expr("$EffectiveDate")) in sfb
    assert cmd.ex_storage_connectivity(S.test_sip_uri) in sfb
    assert cmd.refresh_sfb_metadata() in scripts["sfb-oauth-rotation-exchange.ps1"]
    exchange = scripts["exchange-auth-rotation-exchange.ps1"]
    for command in (cmd.new_exchange_auth_certificate(), cmd.set_auth_config_next_certificate(
            Expr("$newThumbprint"), force=True), cmd.set_auth_config_publish(), cmd.set_auth_config_clear_previous(),
            cmd.restart_service_host(Expr("$server"))):
        assert command in exchange
    update = ".\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate"
    assert cmd.exchange_hybrid_application("UpdateCertificate") == update
    assert cmd.exchange_hybrid_application("UpdateCertificate") in exchange
    assert cmd.each_cs_partner_application(EXCHANGE_SERVICE_ID, cmd.set_cs_partner_application(
        Expr("$_.Identity"), metadata_url=S.exchange_metadata_url)) in scripts["exchange-auth-rotation-sfb.ps1"]


# ---------------------------------------------------------------------------------------------
# No fix text quotes a value by hand
# ---------------------------------------------------------------------------------------------
WIZARD = Path(__file__).resolve().parents[2] / "wizard"
CMDLET = re.compile(r"\b(?:Get|Set|New|Add|Remove|Update|Test|Enable|Disable|Import|Export|Connect|Configure)"
                    r"-[A-Z][A-Za-z]+")
FIX_TEXT_MODULES = sorted([*(WIZARD / "probes").glob("*.py"), *(WIZARD / "inside").glob("*.py")])


def hand_quoted(source: str) -> list[tuple[int, str]]:
    """f-strings that name a cmdlet and put a value between quotes written by hand: '{value}' or "{value}"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a str.format() template
            if CMDLET.search(node.value) and re.search(r"""['"]\{\w*\}""", node.value):
                found.append((node.lineno, node.value[:100]))
            continue
        if not isinstance(node, ast.JoinedStr):
            continue
        text = "".join(p.value if isinstance(p, ast.Constant) else "\0" for p in node.values)
        if not CMDLET.search(text):
            continue
        for before, part in zip(node.values, node.values[1:], strict=False):
            if (isinstance(part, ast.FormattedValue) and isinstance(before, ast.Constant)
                    and str(before.value).endswith(("'", '"')) and not str(before.value).endswith("''")):
                found.append((node.lineno, text.replace("\0", "{…}")[:100]))
    return found


def test_the_hand_quote_detector_finds_what_it_looks_for() -> None:
    assert hand_quoted("x = f\"Set-CsOAuthConfiguration -Realm '{realm}'\"")
    assert hand_quoted("x = f'Get-MgServicePrincipal -Filter \"AppId eq {x}\"'") == []
    assert hand_quoted("x = f\"Get-MgServicePrincipal -Filter \\\"AppId eq '{x}'\\\"\"")
    assert hand_quoted("x = f\"Set-X -Value {literal(v)}\"") == []
    assert hand_quoted("SET = \"Set-CsOAuthConfiguration -ExchangeAutodiscoverUrl '{url}'\"")


@pytest.mark.parametrize("path", FIX_TEXT_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_fix_text_quotes_a_value_by_hand(path: Path) -> None:
    assert hand_quoted(path.read_text(encoding="utf-8")) == []
