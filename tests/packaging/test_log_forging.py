"""The log cannot be forged: CR/LF and escape sequences in server text never start a record of their own."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from hostile_text import HOSTILE, hidden_in
from hypothesis import given, settings

from wizard import logs
from wizard.probes.result import ProbeResult, Status
from wizard.topology import Phase

RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")
FORGED = "2026-12-01 09:00:00,000 ERROR   MainThread wizard: forged record"


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _lines(path: Path) -> list[str]:
    _flush()
    return path.read_text(encoding="utf-8").splitlines()


def test_a_realm_with_crlf_stays_in_its_record(app_log: Path) -> None:
    logging.getLogger("wizard.probes").warning("realm from the server: %s", f"contoso.com\r\n{FORGED}\x1b[2J")
    lines = _lines(app_log)
    assert len(lines) == 1
    assert "contoso.com\\r\\n2026-12-01" in lines[0] and "\\x1b[2J" in lines[0]


def test_probe_results_log_one_line_each_whatever_the_server_sent(app_log: Path) -> None:
    for status in Status:
        logs.log_probe_result(ProbeResult("oauth.realm", Phase.OAUTH, status, f"Realm\n{FORGED}",
                                          detail=f"x\r{FORGED}\u2028{FORGED}\u202e", target=f"h\n{FORGED}"))
    lines = _lines(app_log)
    assert len(lines) == len(Status)  # blocked and not-run are logged too, each on one line
    assert all(RECORD.match(line) and hidden_in(line) == [] for line in lines)


def test_a_traceback_with_forged_lines_is_indented_under_its_record(app_log: Path) -> None:
    try:
        raise ValueError(f"bad answer\n{FORGED}\r\n{FORGED}")
    except ValueError as exc:
        logs.log_error("reading the metadata document failed", exc)
    lines = _lines(app_log)
    records = [line for line in lines if RECORD.match(line)]
    assert len(records) == 1 and "reading the metadata document failed" in records[0]
    assert all(line.startswith(logs.INDENT) for line in lines[1:])
    assert any("Traceback (most recent call last)" in line for line in lines)


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_any_server_text_gives_exactly_one_record_line(text: str) -> None:
    record = logging.LogRecord("wizard", logging.INFO, __file__, 1, "server said %s", (text,), None)
    logs.SecretRedactingFilter().filter(record)
    line = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s").format(record)
    assert len(line.splitlines()) == 1
    assert hidden_in(line) == []
