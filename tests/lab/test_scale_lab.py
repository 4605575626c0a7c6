"""The larger lab organisation (wizard.lab.scale): valid scenario, every check passes, per-host checks, silence.

A small size (2 pools x 2 Front Ends, 3 Exchange servers, 2 SIP domains) keeps the tests quick; the
benchmark runs the same generator at 10 x 4, 20 and 10.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import threading
import time
from collections.abc import Iterator

import pytest

from wizard.lab import Lab
from wizard.lab.deployment import DOMAIN, EXCHANGE_SERVER, POOL, deployment_for
from wizard.lab.faults import LabConfig
from wizard.lab.scale import Size, scale_deployment, serve, silent_servers
from wizard.lab.zone import build_zone
from wizard.probes import ids
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes
from wizard.scenario import Scenario

SMALL = Size(pools=2, front_ends=2, exchange_servers=3, sip_domains=2)
MARGIN = 1.5


@pytest.fixture(scope="module")
def org() -> Iterator[Lab]:
    with Lab.start(deployment=scale_deployment(SMALL)) as running:
        yield running
        assert running.errors == [], "the lab's own servers raised exceptions"


def test_the_standard_lab_is_unchanged_by_the_generator_hooks() -> None:
    standard = deployment_for("onprem")
    assert standard.pool_fqdns == (POOL,)
    assert standard.exchange_fqdns == (EXCHANGE_SERVER,)
    assert standard.sip_domains == (DOMAIN,)
    assert standard.extra_records == ()
    grown = build_zone(scale_deployment(Size(1, 2, 1, 1)), LabConfig()).records
    assert sorted(grown, key=repr) == sorted(build_zone(standard, LabConfig()).records, key=repr)


def test_every_machine_has_its_own_address() -> None:
    deployment = scale_deployment(Size())
    addresses = [m.address for m in deployment.machines]
    assert len(addresses) == len(set(addresses)) == len(deployment.machines)
    assert len(deployment.front_ends) == 40 and len(deployment.pool_fqdns) == 10
    assert len(deployment.exchange_fqdns) == 20 and len(deployment.sip_domains) == 10
    assert all(a.startswith("127.77.") for a in addresses)


def test_sizes_out_of_range_say_which_value() -> None:
    with pytest.raises(ValueError, match="front ends must be between 2"):
        Size(front_ends=1)


def test_the_scenario_is_valid_and_names_every_server_and_domain(org: Lab) -> None:
    scenario = Scenario.from_dict(org.scenario.to_dict())
    assert scenario.errors() == {}
    assert scenario.pool_fqdns == ["pool01.contoso.com", "pool02.contoso.com"]
    assert scenario.exchange_fqdns == ["ex01.contoso.com", "ex02.contoso.com", "ex03.contoso.com"]
    assert scenario.sip_domains == ["contoso.com", "region02.contoso.com"]


def test_each_pool_resolves_to_its_own_front_ends(org: Lab) -> None:
    assert org.addresses["pool01.contoso.com"] == ["127.77.0.21", "127.77.0.22"]
    assert org.addresses["pool02.contoso.com"] == ["127.77.12.1", "127.77.12.2"]
    assert org.addresses["ex03.contoso.com"] == ["127.77.1.3"]
    assert org.addresses["sip.region02.contoso.com"] == ["127.77.12.1", "127.77.12.2"]


def test_the_healthy_organisation_passes_every_check_per_host(org: Lab) -> None:
    probes = probes_for(org.scenario, login_base_url=org.settings.login_base_url)
    results = run_probes(probes, org.scenario, ProbeContext(org.settings))
    failing = [(r.id, r.status.value, r.detail) for r in results if r.status is not Status.PASS]
    assert failing == []
    found = {r.id for r in results}
    per_pool = (ids.DNS, ids.TCP_443, ids.TCP_5061, ids.TLS_HANDSHAKE, ids.TLS_CERTIFICATE, ids.SAME_ON_FRONT_ENDS,
                ids.SFB_METADATA, ids.SFB_METADATA_CERTIFICATE, ids.SFB_TRUSTS_EXCHANGE)
    per_exchange = (ids.DNS, ids.TCP_443, ids.TLS_HANDSHAKE, ids.EXCHANGE_BUILD)
    for pool in org.scenario.pool_fqdns:
        assert {ids.on(check, pool) for check in per_pool} <= found
    for server in org.scenario.exchange_fqdns:
        assert {ids.on(check, server) for check in per_exchange} <= found
    same = next(r for r in results if r.id == "certificates.oauth.same-on-front-ends:pool02.contoso.com")
    assert "All 2 Front End addresses" in same.detail
    sfb_dns = next(r for r in results if r.id == "prerequisites.sfb-dns")
    assert {"_sip._tls.region02.contoso.com", "_sipinternaltls._tcp.region02.contoso.com"} <= {
        e.label for e in sfb_dns.evidence}
    assert len(results) == 20 + len(per_exchange) * 3 + len(per_pool) * 2  # once, per server, per pool


def _silent_run(org: Lab, mode: str, budget: float) -> tuple[float, dict[str, ProbeResult]]:
    """Run every check against silent stand-ins of the organisation's servers; (seconds, results by id)."""
    quiet = silent_servers(org, mode).start()
    try:
        if mode == "dns":  # a DNS deadline beyond the budget: only the budget can end this run
            settings = dataclasses.replace(org.settings, nameserver=("127.0.0.1", quiet.dns_port), dns_timeout=30)
        else:
            settings = dataclasses.replace(org.settings, https_port=quiet.https_port, sip_port=quiet.sip_port)
        probes = probes_for(org.scenario, login_base_url=settings.login_base_url)
        ctx = ProbeContext(settings)
        began = time.monotonic()
        results = run_probes(probes, org.scenario, ctx, budget=budget)
        elapsed = time.monotonic() - began
        ctx.close()
        return elapsed, {r.id: r for r in results}
    finally:
        assert quiet.stop() == []
        assert quiet.errors == []


def test_servers_that_accept_and_stay_silent_end_within_the_budget(org: Lab) -> None:
    elapsed, results = _silent_run(org, "servers", budget=2.0)
    assert elapsed < 2.0 + MARGIN
    handshake = results["prerequisites.tls:pool02.contoso.com"]
    assert handshake.status is Status.NOT_RUN and handshake.cause is Cause.NOT_RUN
    assert "time budget (2 s) ran out" in handshake.detail
    assert results["prerequisites.tcp-443:ex02.contoso.com"].status is Status.PASS  # accepted; then silence


def test_a_silent_dns_server_ends_within_the_budget(org: Lab) -> None:
    elapsed, results = _silent_run(org, "dns", budget=2.0)
    assert elapsed < 2.0 + MARGIN
    resolver = results["prerequisites.resolver"]
    assert resolver.status is Status.NOT_RUN and "time budget (2 s) ran out" in resolver.detail
    network = [r for r in results.values() if r.id.startswith(("prerequisites.", "verification."))]
    assert network and all(r.status is Status.NOT_RUN for r in network)


def test_serve_prints_the_announcement_and_stops_at_end_of_input() -> None:
    sink = io.StringIO()
    done = threading.Event()
    reader, writer = os.pipe()
    source = open(reader, encoding="utf-8")  # noqa: SIM115 (closed below)

    def run() -> None:
        serve(Size(1, 2, 1, 1), stdin=source, stdout=sink)
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not sink.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    announcement = json.loads(sink.getvalue())
    assert announcement["scenario"]["pool_fqdns"] == ["pool01.contoso.com"]
    os.close(writer)
    thread.join(30)
    source.close()
    assert done.is_set()
