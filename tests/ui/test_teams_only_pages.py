"""Exchange Server with Teams only: the pages speak of what exists (no Skype for Business Server values, no
OAuthTokenIssuer to choose), and a step without checks says so plainly instead of warning about a start."""

from __future__ import annotations

import pytest

from wizard.examples import example_for
from wizard.topology import ExchangeKind, ExchangeVersion, Phase, SfbKind, SfbVersion, Topology
from wizard.ui.pages.ids import PHASE_IDS
from wizard.ui.pages.phase_page import SUBTITLES

pytestmark = pytest.mark.gui

TEAMS_ONLY = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.TEAMS, None)
SFB_SERVER = Topology(ExchangeKind.SERVER, ExchangeVersion.SE, SfbKind.SERVER, SfbVersion.SE)


def visit(wizard, phase):
    wizard.setCurrentId(PHASE_IDS[phase])
    wizard.session.cancel_all()
    return wizard.page_for(phase)


def test_teams_only_pages_show_no_skype_for_business_server_values(make_wizard, dead_resolver_settings, qtbot):
    wizard = make_wizard(example_for(TEAMS_ONLY), settings=dead_resolver_settings)
    certificates = visit(wizard, Phase.CERTIFICATES)
    assert certificates.panel.isHidden() and certificates.top_scroll.isHidden()  # no OAuthTokenIssuer: no band
    assert "OAuth token-signing" not in certificates.subTitle()
    oauth = visit(wizard, Phase.OAUTH)
    assert "Skype" not in oauth.subTitle() and oauth.subTitle() != SUBTITLES[Phase.OAUTH]
    assert oauth.derived.isHidden()  # its three values are SfB Server's own
    assert oauth.top_scroll.isHidden()  # and no empty values band above the checks
    assert "SfB" not in " ".join(label for label, value in oauth.derived.values.items() if not value.isHidden())
    oauth.checks.start()
    assert "not started" not in oauth.checks.blocked.text() and "PowerShell tab" in oauth.checks.blocked.text()
    assert not oauth.checks.recheck.isEnabled() and not oauth.checks.expand_all.isEnabled()

    partner = visit(wizard, Phase.PARTNER_APPLICATIONS)
    assert "(for SfB)" not in " ".join(partner.derived.values)


def test_with_sfb_server_the_same_pages_show_its_values(make_wizard, dead_resolver_settings, qtbot):
    wizard = make_wizard(example_for(SFB_SERVER), settings=dead_resolver_settings)
    assert not visit(wizard, Phase.CERTIFICATES).panel.isHidden()
    oauth = visit(wizard, Phase.OAUTH)
    assert oauth.subTitle() == SUBTITLES[Phase.OAUTH]
    assert not oauth.derived.isHidden() and not oauth.top_scroll.isHidden()
    assert not oauth.derived.values["ExchangeAutodiscoverUrl (SfB)"].isHidden()
    assert oauth.derived.values["ExchangeAutodiscoverUrl (SfB)"].text().endswith("autodiscover.svc</code>")
