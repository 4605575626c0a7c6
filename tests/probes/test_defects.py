"""A bug in a check is a defect: never a finding, its traceback in the log file, the result says where."""

from __future__ import annotations

import logging

import pytest

from wizard import logs
from wizard.probes.base import BaseProbe
from wizard.probes.context import ProbeContext
from wizard.probes.result import Cause, Status
from wizard.probes.runner import run_probes
from wizard.scenario import example_scenario
from wizard.topology import Phase


class Buggy(BaseProbe):
    id = "test.buggy"
    phase = Phase.PREREQUISITES
    title = "a check with a bug"

    def check(self, scenario, ctx):
        return {}["missing"]  # KeyError


@pytest.fixture
def no_log_handler(monkeypatch, tmp_path):
    """No wizard log handler installed (as in the CLI), and the log folder in tmp_path."""
    root = logging.getLogger()
    saved = [h for h in root.handlers if isinstance(h, logs._WizardLogHandler)]
    for handler in saved:
        root.removeHandler(handler)
    monkeypatch.setattr(logs, "log_dir", lambda: tmp_path)
    yield tmp_path
    for handler in [h for h in root.handlers if isinstance(h, logs._WizardLogHandler)]:
        root.removeHandler(handler)
        handler.close()
    for handler in saved:
        root.addHandler(handler)


def test_a_defect_names_the_log_file_that_holds_its_traceback(no_log_handler):
    [result] = run_probes([Buggy()], example_scenario(), ProbeContext())
    assert result.status is Status.ERROR and result.cause is Cause.DEFECT
    log_file = no_log_handler / logs.LOG_FILE_NAME
    assert str(log_file) in result.detail and "defect in the wizard" in result.detail
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "KeyError: 'missing'" in text
    assert "not a finding about your deployment" in result.remediation
