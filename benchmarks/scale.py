"""Verifying a large organisation: time against its slowest dependent chain, sockets, peak memory, silence.

    python benchmarks/scale.py                         # 10 pools x 4 Front Ends, 20 Exchange, 10 SIP domains
    python benchmarks/scale.py --workers 16 --sweep 32,64 --latency-ms 200

The organisation is served by its own process (python -m wizard.lab.scale), as remote servers would be,
every HTTPS answer delayed by --latency-ms. Measured in this process, in the same run:
* full: the wall time of run_probes over every check of the organisation with --workers threads
  (median of --runs).
* slowest dependent chain: for every check no other check needs, its dependencies and itself run one
  after the other in a fresh context (each check timed with only what it depends on done before it);
  the chain is the longest path through the checks' declared needs weighted by those times, the
  shortest time any run can take. Target: full / chain at most 1.3.
* sockets: the most sockets this process held open at once during the full runs, sampled every 2 ms
  from /proc/<pid>/fd by a separate process (the cancel handle of a connection is a second descriptor
  of the same socket and is not counted twice). Bound: 2 per worker (a check holds one connection at a
  time, plus a second while a DNS question asks again over TCP or a failed handshake is looked at again).
* peak memory: this process's resident-set high-water mark (ru_maxrss) after the full runs, before
  any baseline.
* silent servers: the same organisation with every web and SIP server accepting connections and then
  saying nothing (DNS answers), and with the DNS server saying nothing; each run has a --budget and
  deadlines longer than it, so only the budget can end it. Target: it returns within budget + 1 s.
--sweep repeats the full run with other worker counts (reported only). Exit status 1 only when a
target is missed (or the healthy organisation does not pass every check: nothing to measure).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.lab.scale import Size, scale_lab_process  # noqa: E402
from wizard.lab.serve import settings_from_json  # noqa: E402
from wizard.probes.context import ProbeContext, ProbeSettings  # noqa: E402
from wizard.probes.registry import Probe, probes_for  # noqa: E402
from wizard.probes.result import ProbeResult, Status  # noqa: E402
from wizard.probes.runner import dependency_ids, run_probes  # noqa: E402
from wizard.scenario import Scenario  # noqa: E402

TARGET_RATIO = 1.3
DEFAULT_WORKERS: int = inspect.signature(run_probes).parameters["max_workers"].default
SILENT_MARGIN = 1.0
SOCKETS_PER_WORKER = 2

# Runs in its own process, so sampling costs this process's probe threads no interpreter time.
SAMPLER = r'''
import json, os, select, sys
pid, interval = sys.argv[1], float(sys.argv[2])
folder = f"/proc/{pid}/fd"

def kinds(inodes):
    found = {}
    for kind in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = open(f"/proc/{pid}/net/{kind}").read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                found[kind.rstrip("6").upper()] = found.get(kind.rstrip("6").upper(), 0) + 1
    return found

peak, peak_fds, samples, peak_kinds = 0, 0, 0, {}
print("ready", flush=True)
while not select.select([sys.stdin], [], [], interval)[0]:
    inodes, fds = set(), 0
    try:
        names = os.listdir(folder)
    except OSError:
        break
    for name in names:
        try:
            link = os.readlink(f"{folder}/{name}")
        except OSError:
            continue
        if link.startswith("socket:["):
            fds += 1
            inodes.add(link[8:-1])
    samples += 1
    peak_fds = max(peak_fds, fds)
    if len(inodes) > peak:
        peak, peak_kinds = len(inodes), kinds(inodes)
        missing = peak - sum(peak_kinds.values())
        if missing:  # closed between the two reads, or not an IP socket
            peak_kinds["unclassified"] = missing
print(json.dumps({"sockets": peak, "descriptors": peak_fds, "samples": samples, "kinds": peak_kinds}))
'''


class SocketSampler:
    """Samples this process's open sockets from another process for the duration of a `with` block."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.figures: dict[str, Any] = {}

    def __enter__(self) -> SocketSampler:
        self._process = subprocess.Popen([sys.executable, "-c", SAMPLER, str(os.getpid()), str(self.interval)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            raise RuntimeError("the socket sampler did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._process.communicate(timeout=30)
        self.figures = json.loads(out.strip().splitlines()[-1])


def _passes(results: Sequence[ProbeResult]) -> None:
    bad = [f"{r.id}: {r.status.value} {r.detail}" for r in results if r.status not in (Status.PASS, Status.SKIP)]
    if bad:
        raise SystemExit("the healthy organisation did not verify cleanly; nothing to measure:\n  " + "\n  ".join(bad))


def full_run(probes: Sequence[Probe], scenario: Scenario, settings: ProbeSettings, workers: int) -> float:
    ctx = ProbeContext(settings)
    started = time.perf_counter()
    results = run_probes(probes, scenario, ctx, max_workers=workers)
    elapsed = time.perf_counter() - started
    ctx.close()
    _passes(results)
    return elapsed


def _ancestors_in_order(sink: int, needs: list[list[int]]) -> list[int]:
    """The sink and everything it needs, each after all it needs (a depth-first post-order)."""
    order: list[int] = []
    seen: set[int] = set()
    stack: list[tuple[int, int]] = [(sink, 0)]
    seen.add(sink)
    while stack:
        node, k = stack.pop()
        if k < len(needs[node]):
            stack.append((node, k + 1))
            dep = needs[node][k]
            if dep not in seen:
                seen.add(dep)
                stack.append((dep, 0))
        else:
            order.append(node)
    return order


def slowest_chain(probes: Sequence[Probe], scenario: Scenario, settings: ProbeSettings) -> tuple[float, list[str]]:
    """The longest path through the declared needs, each check weighted by its time with its needs done."""
    needs = dependency_ids(probes, settings.accept_untrusted)
    needed = {j for deps in needs for j in deps}
    best: tuple[float, list[str]] = (0.0, [])
    for sink in (i for i in range(len(probes)) if i not in needed):
        ctx = ProbeContext(settings)
        longest: dict[int, float] = {}
        via: dict[int, int | None] = {}
        for index in _ancestors_in_order(sink, needs):
            started = time.perf_counter()
            result = probes[index].run(scenario, ctx)
            took = time.perf_counter() - started
            _passes([result])
            before = max(needs[index], key=longest.__getitem__, default=None)
            longest[index] = took + (longest[before] if before is not None else 0.0)
            via[index] = before
        ctx.close()
        if longest[sink] > best[0]:
            path: list[str] = []
            node: int | None = sink
            while node is not None:
                path.append(probes[node].id)
                node = via[node]
            best = (longest[sink], path[::-1])
    return best


def silent_run(size: Size, mode: str, budget: float, deadline: float, env: dict[str, str]) -> dict[str, Any]:
    """One run against silent servers; deadlines beyond the budget so that only the budget can end it."""
    with scale_lab_process(size, silent=mode, env=env) as lab:
        settings = dataclasses.replace(settings_from_json(lab["settings"]), dns_timeout=deadline,
                                       http_timeout=deadline, budget=budget)
        scenario = Scenario.from_dict(lab["scenario"])
        probes = probes_for(scenario, login_base_url=settings.login_base_url)
        ctx = ProbeContext(settings)
        with SocketSampler() as sampler:
            started = time.perf_counter()
            results = run_probes(probes, scenario, ctx)
            elapsed = time.perf_counter() - started
        ctx.close()
    counts = collections.Counter(r.status.value for r in results)
    return {"elapsed": elapsed, "counts": dict(counts), "checks": len(results), "sockets": sampler.figures["sockets"]}


def _mib(kib: int) -> float:
    return kib / 1024  # ru_maxrss is in KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Size()
    parser.add_argument("--pools", type=int, default=default.pools)
    parser.add_argument("--front-ends", type=int, default=default.front_ends, help="per pool")
    parser.add_argument("--exchange-servers", type=int, default=default.exchange_servers)
    parser.add_argument("--sip-domains", type=int, default=default.sip_domains)
    parser.add_argument("--latency-ms", type=int, default=300,
                        help="delay of every HTTPS answer (default 300, as verify_parallel.py's 'slow' fault)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help=f"max_workers of the measured run (default {DEFAULT_WORKERS}, the runner's default)")
    parser.add_argument("--sweep", default="", help="other worker counts to measure too, e.g. 8,32,64")
    parser.add_argument("--runs", type=int, default=3, help="full runs per worker count (median printed)")
    parser.add_argument("--budget", type=float, default=5.0, help="budget of the silent runs in seconds (default 5)")
    parser.add_argument("--no-silent", action="store_true", help="skip the silent-server runs")
    args = parser.parse_args(argv)
    size = Size(args.pools, args.front_ends, args.exchange_servers, args.sip_domains)
    sweep = [int(n) for n in args.sweep.split(",") if n.strip()]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    runs = max(1, args.runs)
    misses: list[str] = []

    with scale_lab_process(size, latency_ms=args.latency_ms, env=env) as lab:
        settings = settings_from_json(lab["settings"])
        scenario = Scenario.from_dict(lab["scenario"])
        probes = probes_for(scenario, login_base_url=settings.login_base_url)
        before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        full_run(probes, scenario, settings, args.workers)  # warm-up: imports and first-use caches
        with SocketSampler() as sampler:
            times = [full_run(probes, scenario, settings, args.workers) for _ in range(runs)]
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        chain, path = slowest_chain(probes, scenario, settings)
        swept: list[tuple[int, float, dict[str, Any]]] = []
        for workers in sweep:
            with SocketSampler() as other:
                others = [full_run(probes, scenario, settings, workers) for _ in range(runs)]
            swept.append((workers, statistics.median(others), other.figures))
        machines = lab["machines"]

    full = statistics.median(times)
    ratio = full / chain
    sockets = sampler.figures
    bound = SOCKETS_PER_WORKER * args.workers
    print(f"organisation: {size} ({machines} machines), {len(probes)} checks, every HTTPS answer delayed "
          f"{args.latency_ms} ms; lab in its own process")
    print(f"full verification, {args.workers} workers: {full:6.2f} s (median of {runs}: "
          f"{', '.join(f'{t:.2f}' for t in times)})")
    print(f"slowest dependent chain:      {chain:6.2f} s ({' -> '.join(path)})")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio full / chain:           {ratio:6.2f} (target <= {TARGET_RATIO}: {verdict})")
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(sockets["kinds"].items())) or "none"
    print(f"simultaneous sockets (peak):  {sockets['sockets']:6d} ({kinds}; {sockets['descriptors']} descriptors "
          f"with the cancel handles; {sockets['samples']} samples); bound {SOCKETS_PER_WORKER} x {args.workers} "
          f"workers = {bound}")
    print(f"peak memory (RSS high-water): {_mib(peak_kib):6.0f} MiB ({_mib(before_kib):.0f} MiB before the first "
          "check)")
    if ratio > TARGET_RATIO:
        misses.append(f"full / chain {ratio:.2f} > {TARGET_RATIO}")
    if sockets["sockets"] > bound:
        misses.append(f"{sockets['sockets']} sockets > {bound}")
    for workers, seconds, figures in swept:
        print(f"  with {workers:3d} workers: {seconds:6.2f} s, ratio {seconds / chain:.2f}, peak sockets "
              f"{figures['sockets']} (bound {SOCKETS_PER_WORKER * workers})")

    if not args.no_silent:
        deadline = 2 * args.budget
        for mode, words in (("servers", "every web and SIP server accepts connections, then says nothing "
                                        "(DNS answers)"),
                            ("dns", "the DNS server says nothing")):
            figures = silent_run(size, mode, args.budget, deadline, env)
            limit = args.budget + SILENT_MARGIN
            verdict = "met" if figures["elapsed"] <= limit else "MISSED"
            counts = ", ".join(f"{n} {s}" for s, n in sorted(figures["counts"].items()))
            print(f"silent: {words}; budget {args.budget:g} s, deadlines {deadline:g} s: returned after "
                  f"{figures['elapsed']:.2f} s (target <= {limit:g} s: {verdict}); {counts}; peak sockets "
                  f"{figures['sockets']}")
            if figures["elapsed"] > limit:
                misses.append(f"silent {mode}: {figures['elapsed']:.2f} s > {limit:g} s")
    if misses:
        print("missed: " + "; ".join(misses))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
