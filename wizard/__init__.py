"""SfB/Lync <-> Exchange integration wizard: the core (no Qt) lives in this package's modules."""

__version__ = "0.1.0"

# The CLI's subcommands (modules under wizard.commands), in the order --help lists them. Kept here,
# beside the version, so `python -m wizard` can tell a subcommand from a GUI start without importing
# argparse or wizard.commands.
COMMANDS: tuple[str, ...] = ("check", "export", "verify", "analyze", "decode")
