"""One module per phase; each offers `steps(scenario) -> list[Step]` for the scenario's topology."""
