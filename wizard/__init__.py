"""SfB/Lync <-> Exchange integration wizard: the core (no Qt) lives in this package's modules."""

__version__ = "0.1.0"
