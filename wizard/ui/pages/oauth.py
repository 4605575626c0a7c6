"""OAuth configuration: where SfB finds autodiscover (the .svc URL) and the OAuth realm; without SfB Server,
Exchange's OAuth with Microsoft's online token service (its commands only)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class OAuthPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.OAUTH, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        def sfb(value: Callable[[Scenario], str]) -> Callable[[Scenario], str]:
            """Skype for Business Server's own settings: none without it (Teams only)."""
            return lambda s: value(s) if s.topology_or_default.sfb_on_prem else ""

        self.derived = DerivedValues(self.services.model, [
            ("ExchangeAutodiscoverUrl (SfB)", sfb(lambda s: s.oauth_autodiscover_url)),
            ("OAuth realm", sfb(lambda s: s.effective_realm)),
            ("SfB issuer", sfb(lambda s: s.sfb_issuer if s.effective_realm else "")),
        ])
        self.add_extra(self.derived)
