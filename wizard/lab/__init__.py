"""The built-in demo deployment: DNS and HTTPS servers on loopback with named faults (no Qt)."""

from wizard.lab.faults import FAULTS
from wizard.lab.lab import Lab

__all__ = ["FAULTS", "Lab"]
