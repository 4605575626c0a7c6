"""One page per phase (plus the start page); each adapts the core for its phase and nothing else."""
