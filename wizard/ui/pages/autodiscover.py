"""Autodiscover: the name, its DNS records and the service SfB uses to find Exchange."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class AutodiscoverPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.AUTODISCOVER, parent)

    def build_extra(self) -> None:
        from wizard.ui.widgets.derived_values import DerivedValues

        self.derived = DerivedValues(self.services.model, [
            ("Autodiscover name", lambda s: s.effective_autodiscover_fqdn),
            ("AutoDiscoverServiceInternalUri (Exchange)", lambda s: s.autodiscover_internal_uri
             if s.topology_or_default.exchange_on_prem else ""),
        ])
        self.add_extra(self.derived)
