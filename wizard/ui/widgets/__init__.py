"""Reusable widgets of the wizard pages; each mirrors a piece of the model or of the probe results."""
