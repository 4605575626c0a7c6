"""The Qt wizard: thin pages that mirror the scenario model and run the core's probes off the GUI thread."""

from wizard.ui.refcount_guard import guard as _guard_singletons

_guard_singletons()  # before any Qt call: PySide6 6.12 drops references to None/True (see refcount_guard)
