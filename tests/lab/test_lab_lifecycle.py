"""Starting and stopping the lab: a valid scenario, settings that point at it, and nothing left behind."""

from __future__ import annotations

import os
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path

import pytest

from wizard.lab import Lab
from wizard.lab.ca import KEYS
from wizard.lab.https_server import HANDSHAKE_TIMEOUT, IDLE_TIMEOUT, HttpsFarm
from wizard.probes.context import ProbeSettings

from . import clients

PROMPT = min(IDLE_TIMEOUT, HANDSHAKE_TIMEOUT) / 2  # stop() must not wait for any server-side timeout


def lab_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("lab-") and t.is_alive()]


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_stop_joins_every_thread_the_lab_started() -> None:
    before = set(threading.enumerate())
    lab = Lab.start()
    clients.get(lab, "https://pool01.contoso.com/metadata/json/1")
    clients.resolver(lab).resolve("ex01.contoso.com", "A", tcp=True)
    assert lab_threads()
    lab.stop()
    assert lab.stuck_threads == []
    assert [t.name for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_stop_is_prompt_with_an_idle_keep_alive_connection_open() -> None:
    lab = Lab.start()
    context = ssl.create_default_context(cafile=lab.ca_pem_path)
    raw = socket.create_connection(("127.77.0.10", lab.https_port), timeout=5)
    tls = context.wrap_socket(raw, server_hostname="ex01.contoso.com")
    try:
        tls.sendall(b"GET /owa/ HTTP/1.1\r\nHost: ex01.contoso.com\r\n\r\n")
        assert tls.recv(4096).startswith(b"HTTP/1.1 302")
        began = time.monotonic()
        lab.stop()
        assert time.monotonic() - began < PROMPT
        assert lab_threads() == []
    finally:
        tls.close()


def test_stop_is_prompt_while_a_client_sits_in_the_tls_handshake() -> None:
    lab = Lab.start()
    with socket.create_connection(("127.77.0.21", lab.https_port), timeout=5):
        wait_for(lambda: lab.https is not None and lab.https.active_connections == 1)
        began = time.monotonic()
        lab.stop()
        assert time.monotonic() - began < PROMPT
    assert lab_threads() == []


def test_stop_interrupts_a_response_held_back_by_injected_latency() -> None:
    lab = Lab.start(latency_ms=30_000)
    outcome: list[object] = []

    def fetch() -> None:
        try:
            outcome.append(clients.get(lab, "https://ex01.contoso.com/owa/").status_code)
        except Exception as exc:
            outcome.append(exc)

    client = threading.Thread(target=fetch)
    client.start()
    assert lab.https is not None
    wait_for(lambda: lab.https.delayed_now == 1)
    began = time.monotonic()
    lab.stop()
    assert time.monotonic() - began < PROMPT
    client.join(5)
    assert not client.is_alive()
    assert isinstance(outcome[0], Exception)  # the connection closed instead of a late answer
    assert lab_threads() == []


def test_stop_is_prompt_with_an_idle_dns_tcp_connection_open() -> None:
    lab = Lab.start()
    with socket.create_connection(("127.0.0.1", lab.dns.port), timeout=5):
        wait_for(lambda: lab.dns is not None and lab.dns.active_connections == 1)
        began = time.monotonic()
        lab.stop()
        assert time.monotonic() - began < PROMPT
    assert lab_threads() == []


def test_stop_removes_the_temporary_files_and_closes_the_ports() -> None:
    lab = Lab.start()
    files = [lab.ca_pem_path, lab.oauth_certificate_path, lab.oauth_pfx_path, lab.exchange_auth_certificate_path]
    folder = Path(lab.ca_pem_path).parent
    assert all(os.path.exists(f) for f in files)
    port = lab.https_port
    lab.stop()
    assert not folder.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.77.0.10", port), timeout=2).close()


def test_stop_twice_and_context_manager_exit_on_error_are_safe() -> None:
    with pytest.raises(RuntimeError, match="boom"), Lab.start() as lab:
        raise RuntimeError("boom")
    assert not lab.running
    lab.stop()
    assert lab_threads() == []


def test_failed_start_cleans_up_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def refuse(self: HttpsFarm) -> HttpsFarm:
        raise OSError("no sockets today")

    monkeypatch.setattr(HttpsFarm, "start", refuse)
    with pytest.raises(OSError, match="no sockets today"):
        Lab.start()
    assert list(tmp_path.iterdir()) == []
    assert lab_threads() == []


def test_two_labs_run_side_by_side_on_different_ports() -> None:
    with Lab.start() as first, Lab.start(["metadata-404"]) as second:
        assert first.https_port != second.https_port
        assert first.dns.port != second.dns.port
        assert clients.get(first, "https://pool01.contoso.com/metadata/json/1").status_code == 200
        assert clients.get(second, "https://pool01.contoso.com/metadata/json/1").status_code == 404


def test_settings_point_probes_at_the_lab(lab: Lab) -> None:
    assert isinstance(lab.settings, ProbeSettings)
    assert lab.settings.nameserver == ("127.0.0.1", lab.dns.port)
    assert lab.settings.ca_bundle == lab.ca_pem_path
    assert lab.settings.https_port == lab.https_port
    assert lab.settings.sip_port == lab.sip_port
    assert Path(lab.ca_pem_path).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_onprem_scenario_describes_the_lab(lab: Lab) -> None:
    s = lab.scenario
    assert s.errors() == {}
    assert (s.exchange, s.exchange_version, s.sfb, s.sfb_version) == ("server", "se", "server", "se")
    assert s.sip_domains == ["contoso.com"]
    assert s.exchange_fqdns == ["ex01.contoso.com"]
    assert s.autodiscover_fqdn == "autodiscover.contoso.com"
    assert s.pool_fqdns == ["pool01.contoso.com"]
    assert s.test_sip_uri == "sip:adele@contoso.com"
    assert s.oauth_certificate == lab.oauth_certificate_path
    assert s.exchange_autodiscover_url == ""
    assert s.oauth_autodiscover_url == "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"


def test_hybrid_scenario_names_the_tenant(hybrid_lab: Lab) -> None:
    s = hybrid_lab.scenario
    assert s.errors() == {}
    assert s.sfb == "hybrid"
    assert s.tenant_domain == "contoso.onmicrosoft.com"
    assert s.pool_external_web_fqdns == ["webext.contoso.com"]
    assert hybrid_lab.tenant_id


def test_online_scenario_has_no_pool_and_names_the_domain_controller(online_lab: Lab) -> None:
    s = online_lab.scenario
    assert s.errors() == {}
    assert (s.exchange, s.sfb) == ("server", "teams")
    assert online_lab.topology == "teams"  # "online", the old name, is still accepted
    assert s.pool_fqdns == []
    assert s.dc_fqdn == "dc01.contoso.com"
    assert s.tenant_domain == "contoso.onmicrosoft.com"
    assert online_lab.oauth_certificate_path == ""


def test_addresses_map_every_host_to_its_loopback_addresses(lab: Lab) -> None:
    assert lab.addresses["pool01.contoso.com"] == ["127.77.0.21", "127.77.0.22"]
    assert lab.addresses["autodiscover.contoso.com"] == ["127.77.0.10"]
    assert lab.addresses["dc01.contoso.com"] == ["127.77.0.5"]
    for host, addresses in lab.addresses.items():
        assert addresses == sorted(str(a) for a in clients.resolver(lab).resolve(host, "A")), host


def test_a_second_start_reuses_the_keys_and_records_its_start_up_time() -> None:
    with Lab.start():
        pass
    generated = KEYS.generated
    with Lab.start() as lab:
        assert KEYS.generated == generated
        assert 0 < lab.startup_seconds < 5
