"""Tools menu: resolver, CA bundle, timeouts and trust change the probe settings (and persist them)."""

from __future__ import annotations

import pytest

from wizard.probes.context import ProbeSettings
from wizard.scenario import example_scenario
from wizard.ui.preferences import Preferences

pytestmark = pytest.mark.gui


def _trigger(wizard, name: str) -> None:
    next(a for a in wizard.actions() if a.objectName() == name).trigger()


def test_resolver_is_validated_applied_and_remembered(make_wizard):
    wizard = make_wizard(example_scenario())
    wizard.dialogs.text_answer = ["not a server:99999", "127.0.0.1:5353"]
    _trigger(wizard, "action_resolver")
    assert wizard.dialogs.errors == ["Enter a server as HOST or HOST:PORT."]
    assert wizard.session.settings.nameserver == ("127.0.0.1", 5353)
    assert Preferences.load().nameserver == "127.0.0.1:5353"
    wizard.dialogs.text_answer = [""]
    _trigger(wizard, "action_resolver")
    assert wizard.session.settings.nameserver is None


def test_ca_bundle_is_applied(make_wizard, tmp_path):
    bundle = tmp_path / "corp-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    wizard = make_wizard(example_scenario())
    wizard.dialogs.open_path = bundle
    _trigger(wizard, "action_ca_bundle")
    assert wizard.session.settings.ca_bundle == str(bundle)
    assert Preferences.load().ca_bundle == str(bundle)


def test_given_settings_such_as_the_labs_are_never_written_to_preferences(make_wizard):
    lab_like = ProbeSettings(nameserver=("127.0.0.1", 5300), https_port=8443)
    wizard = make_wizard(example_scenario(), settings=lab_like)
    wizard.dialogs.text_answer = ["127.0.0.2:53"]
    _trigger(wizard, "action_resolver")
    assert wizard.session.settings.nameserver == ("127.0.0.2", 53)
    assert wizard.session.settings.https_port == 8443
    assert Preferences.load().nameserver == ""


def test_accepting_untrusted_certificates_asks_first(make_wizard):
    wizard = make_wizard(example_scenario())
    wizard.dialogs.confirm_answer = False
    wizard.accept_untrusted_action.trigger()
    assert not wizard.accept_untrusted_action.isChecked()
    assert not wizard.session.settings.accept_untrusted
    wizard.dialogs.confirm_answer = True
    wizard.accept_untrusted_action.trigger()
    assert wizard.session.settings.accept_untrusted
    assert Preferences.load().accept_untrusted
    assert len(wizard.dialogs.titles("confirm")) == 2


def test_proxy_dialog_validates_and_chooses_system_direct_or_given(qtbot):
    from wizard.ui.tools_dialogs import ProxyDialog

    dialog = ProxyDialog(ProbeSettings())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.system.isChecked() and not dialog.url.isEnabled() and ok.isEnabled()
    dialog.given.setChecked(True)
    assert not ok.isEnabled() and "empty" in dialog.problem.text()
    dialog.url.setText("https://proxy.contoso.com:8443")
    assert not ok.isEnabled() and "https:// proxy" in dialog.problem.text()
    dialog.url.setText("http://proxy.contoso.com:8080")
    assert ok.isEnabled() and dialog.problem.isHidden()
    assert dialog.settings().proxy == "http://proxy.contoso.com:8080"
    dialog.direct.setChecked(True)
    assert dialog.settings().proxy is None and dialog.settings().system_proxy is False


def test_a_proxy_is_remembered_but_never_its_password(make_wizard):
    from dataclasses import replace

    wizard = make_wizard(example_scenario())
    wizard.apply_settings(replace(wizard.session.settings, proxy="http://proxy.contoso.com:8080"))
    assert Preferences.load().proxy == "http://proxy.contoso.com:8080"
    assert Preferences.load().apply_to(ProbeSettings()).proxy == "http://proxy.contoso.com:8080"
    wizard.apply_settings(replace(wizard.session.settings, proxy="http://helpdesk:S3cret@proxy.contoso.com:8080"))
    assert wizard.session.settings.proxy == "http://helpdesk:S3cret@proxy.contoso.com:8080"  # this session
    stored = Preferences.load()
    assert stored.proxy == "" and "S3cret" not in (stored.path.read_text() if stored.path else "")
    wizard.apply_settings(replace(wizard.session.settings, proxy=None, system_proxy=False))
    assert Preferences.load().system_proxy is False
    assert any(a.objectName() == "action_proxy" for a in wizard.actions())
