"""The lab as a separate process: what `python -m wizard.lab serve` runs, and how a client reads it.

Benchmarks and demos that want the lab to behave like remote servers start it in its own process, so
its server threads do not compete with the client's threads for one interpreter's GIL. The server
prints one JSON line (the ProbeSettings pointing at it, the matching scenario, the lab's faults) and
serves until its standard input closes; the client rebuilds the settings with `settings_from_json`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from wizard.lab.lab import Lab
from wizard.probes.context import ProbeSettings


def announcement(lab: Lab) -> dict[str, Any]:
    """The JSON-ready description of a running lab: settings, scenario and faults."""
    return {
        "settings": dataclasses.asdict(lab.settings),
        "scenario": lab.scenario.to_dict(),
        "faults": list(lab.faults),
    }


def settings_from_json(raw: dict[str, Any]) -> ProbeSettings:
    """ProbeSettings from `announcement()["settings"]` (JSON turns the nameserver tuple into a list)."""
    values = dict(raw)
    if values.get("nameserver") is not None:
        host, port = values["nameserver"]
        values["nameserver"] = (str(host), int(port))
    return ProbeSettings(**values)


def serve(faults: tuple[str, ...] = (), *, latency_ms: int = 0, topology: str = "onprem",
          stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Start the lab, print its announcement as one JSON line, serve until `stdin` reaches end of file."""
    source, sink = stdin or sys.stdin, stdout or sys.stdout
    with Lab.start(faults, latency_ms=latency_ms, topology=topology) as lab:
        sink.write(json.dumps(announcement(lab)) + "\n")
        sink.flush()
        while source.read(4096):  # the client closes our stdin (or exits) to stop the lab
            pass
    return 0


@contextlib.contextmanager
def lab_process(faults: tuple[str, ...] = (), *, latency_ms: int = 0, topology: str = "onprem",
                env: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Run `python -m wizard.lab serve` for the duration of the block; yields its announcement."""
    command = [sys.executable, "-m", "wizard.lab", "serve", "--latency-ms", str(latency_ms), "--topology", topology]
    for fault in faults:
        command += ["--fault", fault]
    with announced_process(command, env, "the lab process") as announcement:
        yield announcement


@contextlib.contextmanager
def announced_process(command: list[str], env: dict[str, str] | None, name: str) -> Iterator[dict[str, Any]]:
    """Start a lab process, yield the JSON line it announces itself with, and stop it (stdin closed) after."""
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env) as process:
        assert process.stdin is not None and process.stdout is not None
        try:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"{name} exited ({process.wait(timeout=10)}) without starting")
            yield json.loads(line)
        finally:
            process.stdin.close()  # the lab stops and exits
            process.wait(timeout=30)
