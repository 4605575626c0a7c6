"""OAuth configuration: where SfB finds autodiscover (the .svc URL) and the OAuth realm."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class OAuthPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.OAUTH, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        self.derived = DerivedValues(self.services.model, [
            ("ExchangeAutodiscoverUrl (SfB)", lambda s: s.oauth_autodiscover_url),
            ("OAuth realm", lambda s: s.effective_realm),
            ("SfB issuer", lambda s: s.sfb_issuer if s.effective_realm else ""),
        ])
        self.add_extra(self.derived)
