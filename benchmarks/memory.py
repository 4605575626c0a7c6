"""Peak memory after a full verification, against a bare one-page QWizard.

    python benchmarks/memory.py

Two child processes, started the same way (same interpreter, offscreen Qt, the same window size):
one shows a bare QWizard with one empty page; the other opens the wizard on the demo lab (which runs
in this parent process, so its servers are not counted), shows every page, runs the verification
page's checks of every phase to the end and shows each of its tabs. Each reports its peak resident
set size (ru_maxrss); printed are both and their ratio (target: at most 1.5; exit status 1 when
missed).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5

BARE = '''
import resource, sys
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
if raw["nameserver"] is not None:
    raw["nameserver"] = tuple(raw["nameserver"])
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


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from wizard.lab import Lab

    with tempfile.TemporaryDirectory(prefix="memory-bench-") as folder, Lab.start() as lab:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = folder
        scenario_path = Path(folder) / "scenario.json"
        lab.scenario.save(scenario_path)
        settings_path = Path(folder) / "settings.json"
        settings_path.write_text(json.dumps(dataclasses.asdict(lab.settings)), encoding="utf-8")
        bare = peak_kib(BARE, [], env)
        wizard = peak_kib(WIZARD, [str(scenario_path), str(settings_path)], env)
    ratio = wizard / bare
    print(f"peak memory: wizard after a full verification {wizard / 1024:.0f} MiB, bare QWizard {bare / 1024:.0f} MiB")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
