"""Partner applications: Exchange and SfB trust each other through their auth metadata documents."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class PartnerApplicationsPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.PARTNER_APPLICATIONS, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        self.derived = DerivedValues(self.services.model, [
            ("Exchange's auth metadata", lambda s: s.exchange_metadata_url
             if s.topology_or_default.exchange_on_prem else ""),
            ("SfB metadata (for Exchange)", lambda s: "\n".join(s.sfb_metadata_urls)),
        ])
        self.add_extra(self.derived)
