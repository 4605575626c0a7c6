"""Peak memory after a full verification, against a bare one-page QWizard that imported the same libraries.

    python benchmarks/memory.py [--runs 1]

What is measured: two child processes, started the same way (same interpreter, offscreen Qt, the
same window size). One imports the libraries the wizard requires (PySide6, requests, dnspython,
cryptography, truststore) and shows a bare QWizard with one empty page; the other opens the wizard on the
demo lab, shows every page, runs the verification page's checks of every phase to the end and shows
each of its tabs. The lab runs as `python -m wizard.lab serve` in a third process: it stands in for
remote servers, whose memory is not the wizard's. Each child reports its peak resident set size
(ru_maxrss), i.e. the most memory the admin's machine had to give it. Printed: both peaks (medians
over --runs) and their ratio. Exit status 1 only when the target is missed (ratio at most 1.15).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.15

BARE = '''
import resource, sys
import cryptography.x509, dns.resolver, requests, truststore  # what the wizard requires, imported, unused
from PySide6.QtWidgets import QApplication, QWizard, QWizardPage
app = QApplication(sys.argv[:1])
wizard = QWizard()
wizard.addPage(QWizardPage())
wizard.resize(1180, 820)
wizard.show()
for _ in range(20):
    app.processEvents()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
'''

WIZARD = '''
import json, resource, sys, time
from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario
from wizard.topology import Phase
from wizard.ui.app import application, build_wizard
from wizard.ui.pages.ids import PHASE_IDS
from wizard.ui.probe_session import ALL

scenario_path, settings_path = sys.argv[1:3]
raw = json.loads(open(settings_path, encoding="utf-8").read())
raw["nameserver"] = tuple(raw["nameserver"])  # JSON has no tuples; not wizard.lab's helper: no lab code here
settings = ProbeSettings(**raw)
app = application()
wizard = build_wizard(Scenario.load(scenario_path), settings=settings)
wizard.resize(1180, 820)
wizard.show()
for phase in wizard.model.scenario.topology.phases():
    wizard.setCurrentId(PHASE_IDS[phase])
    wizard.session.cancel_all()
    for _ in range(10):
        app.processEvents()
page = wizard.verification_page
page.checks.start()
deadline = time.monotonic() + 120
while wizard.session.is_running(ALL) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
for index in range(page.tabs.count()):
    page.tabs.setCurrentIndex(index)
    for _ in range(5):
        app.processEvents()
assert len(wizard.session.results()) > 20, "the verification did not run"
wizard.model.discard_autosave()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
'''


def peak_kib(code: str, args: list[str], env: dict[str, str]) -> int:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stderr[-2000:]}")
    return int(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog=f"Exit status: 0 when the ratio is at most {TARGET_RATIO}, 1 when missed.")
    parser.add_argument("--runs", type=int, default=1, help="measurements of each program (medians printed)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from wizard.lab.serve import lab_process
    from wizard.scenario import Scenario

    bare_runs, wizard_runs = [], []
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as folder:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = folder
        with lab_process(env=env) as lab:
            scenario_path = Path(folder) / "scenario.json"
            Scenario.from_dict(lab["scenario"]).save(scenario_path)
            settings_path = Path(folder) / "settings.json"
            settings_path.write_text(json.dumps(lab["settings"]), encoding="utf-8")
            for _ in range(args.runs):
                bare_runs.append(peak_kib(BARE, [], env))
                wizard_runs.append(peak_kib(WIZARD, [str(scenario_path), str(settings_path)], env))
    bare, wizard = statistics.median(bare_runs), statistics.median(wizard_runs)
    ratio = wizard / bare
    print(f"peak memory: wizard after a full verification {wizard / 1024:.0f} MiB, bare QWizard with the same "
          f"libraries imported {bare / 1024:.0f} MiB"
          f" (medians of {args.runs}; raw KiB wizard {wizard_runs}, bare {bare_runs})")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
