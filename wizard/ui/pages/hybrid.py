"""Hybrid / online: the tenant, the service principals that get the on-premises certificates, and the
application accounts.

Which principals apply is the playbook's matter (its upload steps); this page only names them, with
the names wizard.policy gives Microsoft's application IDs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.fields import FIELD_BY_NAME
from wizard.policy import CLOUD_VOICEMAIL_APP_ID, MICROSOFT_APP_IDS, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


def _principals(app_ids: list[str]) -> str:
    return "; ".join(f"{MICROSOFT_APP_IDS[a]} ({a})" for a in app_ids)


def exchange_key_principals(scenario: Scenario) -> str:
    """Where Exchange's OAuth certificate goes: Teams' applications where Teams reaches on-premises mailboxes,
    and the legacy Skype for Business one (Microsoft's June 2025 procedure); '' where it does not apply."""
    topology = scenario.topology_or_default
    if not (topology.teams_users and topology.exchange_on_prem and topology.exchange_has_oauth):
        return ""
    return _principals([TEAMS_SCHEDULER_APP_ID, CLOUD_VOICEMAIL_APP_ID, SFB_SERVICE_ID])


def sfb_key_principals(scenario: Scenario) -> str:
    """Where the SfB OAuthTokenIssuer certificate goes in a SfB Server hybrid; '' where it does not apply."""
    topology = scenario.topology_or_default
    return _principals([SFB_SERVICE_ID]) if topology.sfb_on_prem and topology.involves_tenant else ""


class HybridPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.HYBRID, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        self.derived = DerivedValues(self.services.model, [
            ("Exchange's OAuth certificate goes to", exchange_key_principals),
            ("The OAuthTokenIssuer certificate goes to", sfb_key_principals),
            ("Verified domain", lambda s: s.effective_verified_domain
             if FIELD_BY_NAME["verified_domain"].relevant(s.topology_or_default) else ""),
        ])
        self.add_extra(self.derived)
