"""`python -m wizard.lab serve`: the lab in its own process, announced as JSON, stopped by closing stdin."""

from __future__ import annotations

import dns.exception
import dns.message
import dns.query
import pytest

from wizard.lab.serve import lab_process, settings_from_json
from wizard.probes.context import ProbeSettings
from wizard.scenario import Scenario


def test_served_lab_announces_settings_and_scenario_and_stops_when_stdin_closes():
    with lab_process(latency_ms=0) as lab:
        settings = settings_from_json(lab["settings"])
        assert isinstance(settings, ProbeSettings)
        assert settings.nameserver is not None and settings.https_port is not None
        scenario = Scenario.from_dict(lab["scenario"])
        assert not scenario.errors()
        host, port = settings.nameserver
        query = dns.message.make_query(scenario.exchange_fqdns[0], "A")
        assert dns.query.udp(query, host, port=port, timeout=5).answer
    with pytest.raises(dns.exception.Timeout):  # the process has stopped serving
        dns.query.udp(query, host, port=port, timeout=0.5)


def test_served_lab_injects_and_reports_the_named_faults():
    with lab_process(("missing-srv",)) as lab:
        assert lab["faults"] == ["missing-srv"]
