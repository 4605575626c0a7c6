"""The Qt wizard: thin pages that mirror the scenario model and run the core's probes off the GUI thread."""
