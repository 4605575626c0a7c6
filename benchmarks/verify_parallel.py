"""A full verification's wall time against its slowest chain of dependent probes and against one-by-one.

    python benchmarks/verify_parallel.py               # lab with the "slow" fault (300 ms per HTTPS answer)
    python benchmarks/verify_parallel.py --runs 5 --latency-ms 500

Baselines measured in the same run on the same lab:
* slowest chain: the longest path through the checks' declared needs, each check timed after the checks
  it needs ran in the same fresh ProbeContext (benchmarks/scale.py's slowest_chain): since a check
  starts only when what it needs has finished, that path is the shortest a verification can take.
* one by one: every probe run sequentially in one ProbeContext (sharing caches as a real run would).
Each figure is the median of --runs repetitions. Target: full / slowest chain at most 1.3 (exit 1 if not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wizard.lab import Lab
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.result import Status
from wizard.probes.runner import run_probes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import slowest_chain  # the benchmarks folder is not a package

TARGET_RATIO = 1.3


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(lab: Lab, runs: int) -> dict[str, float | str | int]:
    scenario, settings = lab.scenario, lab.settings
    probes = probes_for(scenario, login_base_url=settings.login_base_url)
    full, serial, chain = [], [], []
    slowest_id = ""
    for _ in range(runs):
        started = time.perf_counter()
        results = run_probes(probes, scenario, ProbeContext(settings))
        full.append(time.perf_counter() - started)
        bad = [r.id for r in results if r.status is not Status.PASS]
        if bad:
            raise SystemExit(f"the lab did not verify cleanly ({', '.join(bad)}); nothing to measure")
        ctx = ProbeContext(settings)
        serial.append(_timed(lambda ctx=ctx: [p.run(scenario, ctx) for p in probes]))
        longest, path = slowest_chain(probes, scenario, settings)
        slowest_id = " -> ".join(path)
        chain.append(longest)
    return {"probes": len(probes), "full": statistics.median(full), "serial": statistics.median(serial),
            "chain": statistics.median(chain), "slowest": slowest_id}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="extra latency on top of the 'slow' fault (the larger of the two applies)")
    args = parser.parse_args(argv)
    with Lab.start(["slow"], latency_ms=args.latency_ms) as lab:
        figures = measure(lab, max(1, args.runs))
    full, chain, serial = figures["full"], figures["chain"], figures["serial"]
    assert isinstance(full, float) and isinstance(chain, float) and isinstance(serial, float)
    to_chain, to_serial = full / chain, full / serial
    print(f"probes: {figures['probes']}, lab fault 'slow' (every HTTPS answer delayed)")
    print(f"full verification (concurrent):   {full:6.2f} s")
    print(f"slowest chain:                    {chain:6.2f} s ({figures['slowest']})")
    print(f"one by one (shared caches):       {serial:6.2f} s")
    print(f"ratio full / slowest chain: {to_chain:.2f} (target <= {TARGET_RATIO})")
    print(f"ratio full / one by one:    {to_serial:.2f}")
    return 0 if to_chain <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
