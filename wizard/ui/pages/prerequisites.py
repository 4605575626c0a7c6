"""Prerequisites: the domains and servers the integration relies on; their DNS names must resolve."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from wizard.topology import Phase
from wizard.ui.pages.phase_page import PhasePage
from wizard.ui.services import Services


class PrerequisitesPage(PhasePage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, Phase.PREREQUISITES, parent)
