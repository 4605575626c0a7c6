"""A one-address quick check's wall time against its slowest chain, and the time for 100 addresses.

    python benchmarks/check.py                      # lab with 300 ms per HTTPS answer ("slow")
    python benchmarks/check.py --runs 3 --addresses 100

Baselines measured in the same run on the same lab: the slowest chain of the discovery lookups plus the
slowest chain of the verification of the scenario discovery built (benchmarks/scale.py's slowest_chain):
a check asks its lookups, then verifies, so that sum is the shortest a check can take. 100 addresses run as
`check` runs them (at most MAX_CONCURRENT at once); printed against 100 × one address / MAX_CONCURRENT.
Target: one address / its slowest chains at most 1.3 (exit 1 if not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import slowest_chain  # the benchmarks folder is not a package

from wizard.commands.check import MAX_CONCURRENT
from wizard.discovery.check import run_check
from wizard.discovery.lookups import lookups_for
from wizard.discovery.query import parse_query
from wizard.lab import Lab
from wizard.probes.registry import probes_for
from wizard.scenario import Scenario

TARGET = 1.3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--addresses", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=300)
    args = parser.parse_args(argv)
    query = parse_query("adele@contoso.com")
    with Lab.start(("slow",), latency_ms=args.latency_ms) as lab:
        settings = lab.settings
        one, chains = [], []
        for _ in range(args.runs):
            started = time.monotonic()
            outcome = run_check(query, settings)
            one.append(time.monotonic() - started)
            found = lookups_for(query, login_base_url=settings.login_base_url,
                                autodiscover_v2_base_url=settings.autodiscover_v2_base_url)
            lookups, _ = slowest_chain(found.all(), Scenario(), settings)
            verification, _ = slowest_chain(probes_for(outcome.scenario, login_base_url=settings.login_base_url),
                                            outcome.scenario, settings)
            chains.append(lookups + verification)
        queries = [parse_query(f"user{i}@contoso.com") for i in range(args.addresses)]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=MAX_CONCURRENT) as pool:
            verdicts = [o.run.verdict.value for o in pool.map(lambda q: run_check(q, settings), queries)]
        many = time.monotonic() - started
    single, chain = statistics.median(one), statistics.median(chains)
    ideal = single * args.addresses / MAX_CONCURRENT
    print(f"one address: {single:.2f} s; its slowest chains (lookups + verification): {chain:.2f} s; "
          f"ratio {single / chain:.2f} (target at most {TARGET})")
    print(f"{args.addresses} addresses, {MAX_CONCURRENT} at a time: {many:.2f} s "
          f"({many / args.addresses * 1000:.0f} ms each; {many / ideal:.2f} x one address x {args.addresses} / "
          f"{MAX_CONCURRENT}); verdicts: {', '.join(f'{verdicts.count(v)} {v}' for v in sorted(set(verdicts)))}")
    return 0 if single / chain <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
