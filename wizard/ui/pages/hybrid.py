"""Hybrid / online: the tenant, the SfB Online service principal and the application account."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.fields import FIELD_BY_NAME
from wizard.policy import SFB_SERVICE_ID
from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class HybridPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.HYBRID, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        self.derived = DerivedValues(self.services.model, [
            ("Skype for Business Online service principal", lambda _s: SFB_SERVICE_ID),
            ("Verified domain", lambda s: s.effective_verified_domain
             if FIELD_BY_NAME["verified_domain"].relevant(s.topology_or_default) else ""),
        ])
        self.add_extra(self.derived)
