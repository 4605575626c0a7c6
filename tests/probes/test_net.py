"""The network layer against real loopback servers: DNS answers and failures, HTTPS trust, caps, cancel."""

from __future__ import annotations

import threading
import time

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.probes.context import CancelledError, ProbeContext, ProbeSettings
from wizard.probes.net import tls
from wizard.probes.net.dns import DnsClient, SrvRecord, select_srv
from wizard.probes.net.errors import (
    BadDocumentError,
    DnsServerError,
    DnsTimeoutError,
    NoAnswerError,
    NxDomainError,
    RedirectError,
    TlsNameError,
    TlsTrustError,
    TooLargeError,
    WaitTimeoutError,
)
from wizard.probes.net.http import HttpClient

ZONE = {
    ("www.contoso.com.", "A"): ["127.0.0.2"],
    ("alias.contoso.com.", "CNAME"): ["www.contoso.com."],
    ("_autodiscover._tcp.contoso.com.", "SRV"): ["10 5 443 b.contoso.com.", "0 0 443 a.contoso.com."],
    ("empty.contoso.com.", "A"): ["127.0.0.9"],
}


@pytest.fixture
def dns(dns_server):
    return dns_server(DnsBehaviour(records=dict(ZONE), servfail={"bad.contoso.com."},
                                   silent={"silent.contoso.com."}, garbage={"garbage.contoso.com."},
                                   truncate_udp={"big.contoso.com."} | {"www.contoso.com."}))


@pytest.fixture
def site(https_server, test_ca):
    routes = {
        ("www.contoso.com", "/json"): Reply(200, [("Content-Type", "application/json")], b'{"ok": true}'),
        ("www.contoso.com", "/html"): Reply(200, [("Content-Type", "text/html")], b"<html><body>hi</body></html>"),
        ("www.contoso.com", "/broken"): Reply(200, [("Content-Type", "application/json")], b'{"keys": [1, 2'),
        ("www.contoso.com", "/deep"): Reply(200, [], b"[" * 100000 + b"]" * 100000),
        ("www.contoso.com", "/loop"): Reply(302, [("Location", "/loop2")]),
        ("www.contoso.com", "/loop2"): Reply(302, [("Location", "https://www.contoso.com/loop")]),
        ("www.contoso.com", "/hop"): Reply(301, [("Location", "/json")]),
        ("www.contoso.com", "/downgrade"): Reply(302, [("Location", "http://www.contoso.com/json")]),
        ("www.contoso.com", "/hang"): Reply(hang=True),
        ("www.contoso.com", "/flood"): Reply(endless=True),
        ("www.contoso.com", "/challenge"): Reply(401, [("WWW-Authenticate", "Negotiate"),
                                                       ("WWW-Authenticate", 'Bearer client_id="x"')]),
    }
    routes.update({("www.contoso.com", f"/r{i}"): Reply(302, [("Location", f"/r{i + 1}")]) for i in range(10)})
    return https_server("127.0.0.2", {"www.contoso.com": test_ca.issue(["www.contoso.com"])}, routes)


def test_cname_chain_is_followed_to_the_address(dns):
    answer = DnsClient(context_for(dns)).addresses("alias.contoso.com")
    assert answer.cnames == ("www.contoso.com",)
    assert answer.addresses == ("127.0.0.2",)
    assert answer.describe() == "alias.contoso.com -> www.contoso.com -> 127.0.0.2"


def test_truncated_udp_answer_is_retried_over_tcp(dns):
    assert DnsClient(context_for(dns)).addresses("www.contoso.com").addresses == ("127.0.0.2",)
    assert ("www.contoso.com.", "A") in dns.queries


def test_srv_records_sort_lowest_priority_first_as_rfc2782_says(dns):
    records = DnsClient(context_for(dns)).srv("_autodiscover._tcp.contoso.com")
    assert records[0] == SrvRecord(0, 0, 443, "a.contoso.com")
    assert select_srv(list(reversed(records))) == SrvRecord(0, 0, 443, "a.contoso.com")


def test_select_srv_prefers_heavier_weight_within_one_priority():
    records = [SrvRecord(5, 10, 443, "light"), SrvRecord(5, 90, 443, "heavy"), SrvRecord(9, 100, 443, "later")]
    assert select_srv(records).target == "heavy"
    assert select_srv([]) is None


def test_nxdomain_is_a_finding_naming_the_resolver(dns):
    with pytest.raises(NxDomainError, match=rf"nope.contoso.com does not exist .*127.0.0.1:{dns.port}") as info:
        DnsClient(context_for(dns)).addresses("nope.contoso.com")
    assert info.value.finding


def test_empty_srv_answer_is_no_answer(dns):
    with pytest.raises(NoAnswerError, match="no SRV record"):
        DnsClient(context_for(dns)).srv("empty.contoso.com")


def test_servfail_is_reported_as_a_server_problem(dns):
    with pytest.raises(DnsServerError, match="SERVFAIL"):
        DnsClient(context_for(dns)).addresses("bad.contoso.com")


def test_garbage_answer_ends_as_timeout_not_traceback(dns):
    ctx = context_for(dns, dns_timeout=0.5)
    with pytest.raises(DnsTimeoutError):
        DnsClient(ctx).addresses("garbage.contoso.com")


def test_silent_server_times_out_within_the_configured_time(dns):
    ctx = context_for(dns, dns_timeout=0.6)
    started = time.monotonic()
    with pytest.raises(DnsTimeoutError, match=r"within 0\.6 s"):
        DnsClient(ctx).addresses("silent.contoso.com")
    assert time.monotonic() - started < 2


def test_cancel_interrupts_a_waiting_dns_query_at_once(dns):
    ctx = context_for(dns, dns_timeout=3.0)
    threading.Timer(0.2, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        DnsClient(ctx).addresses("silent.contoso.com")
    assert time.monotonic() - started < 0.8


def test_dns_answers_are_cached_per_context_not_globally(dns):
    first, second = context_for(dns), context_for(dns)
    DnsClient(first).addresses("alias.contoso.com")
    DnsClient(first).addresses("alias.contoso.com")
    DnsClient(second).addresses("alias.contoso.com")
    assert dns.queries.count(("alias.contoso.com.", "A")) == 2


def test_nxdomain_is_cached_too(dns):
    ctx = context_for(dns)
    for _ in range(3):
        with pytest.raises(NxDomainError):
            DnsClient(ctx).addresses("nope.contoso.com")
    assert dns.queries.count(("nope.contoso.com.", "A")) == 1


def test_https_dials_the_address_the_chosen_resolver_returned_with_sni(dns, site, ca_file):
    response = HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/json")
    assert (response.status, response.json(), response.address) == (200, {"ok": True}, "127.0.0.2")
    assert site.requests[-1][1] == "www.contoso.com"


def test_certificate_for_another_name_is_a_name_error(dns, site, ca_file):
    # alias.contoso.com resolves to the same server, whose certificate only names www.contoso.com
    with pytest.raises(TlsNameError, match=r"not valid for the name alias\.contoso\.com"):
        HttpClient(context_for(dns, site, ca_file)).fetch("https://alias.contoso.com/json", address="127.0.0.2")


def test_unknown_ca_is_a_trust_error_with_the_windows_wording(dns, site):
    with pytest.raises(TlsTrustError, match="Could not establish trust relationship"):
        HttpClient(context_for(dns, site)).fetch("https://www.contoso.com/json")


def test_accept_untrusted_is_explicit_and_remembered_on_the_response(dns, site):
    response = HttpClient(context_for(dns, site, accept_untrusted=True)).fetch("https://www.contoso.com/json")
    assert response.status == 200
    assert "not trusted" in response.untrusted


def test_environment_ca_variables_are_ignored(dns, site, ca_file, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    monkeypatch.setenv("CURL_CA_BUNDLE", ca_file)
    with pytest.raises(TlsTrustError):
        HttpClient(context_for(dns, site)).fetch("https://www.contoso.com/json")


def test_repeated_www_authenticate_headers_are_kept_apart(dns, site, ca_file):
    response = HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/challenge")
    assert response.header_all("www-authenticate") == ["Negotiate", 'Bearer client_id="x"']


def test_redirect_is_followed_and_recorded(dns, site, ca_file):
    response = HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/hop")
    assert response.status == 200 and response.redirects == ("https://www.contoso.com/hop",)


def test_redirect_loop_is_detected(dns, site, ca_file):
    with pytest.raises(RedirectError, match="redirect loop"):
        HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/loop")


def test_redirects_beyond_the_limit_fail(dns, site, ca_file):
    with pytest.raises(RedirectError, match="more than 5 redirects"):
        HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/r0")


def test_redirect_to_plain_http_is_refused(dns, site, ca_file):
    with pytest.raises(RedirectError, match="plain HTTP"):
        HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/downgrade")


def test_endless_body_stops_at_the_size_cap(dns, site, ca_file):
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="more than 65536 bytes"):
        HttpClient(context_for(dns, site, ca_file, max_bytes=65536)).fetch("https://www.contoso.com/flood")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("path", "message"), [
    ("/html", "returned HTML"),
    ("/broken", "malformed JSON"),
    ("/deep", "nested too deeply|malformed JSON"),
])
def test_bad_json_bodies_raise_bad_document(dns, site, ca_file, path, message):
    response = HttpClient(context_for(dns, site, ca_file)).fetch(f"https://www.contoso.com{path}")
    with pytest.raises(BadDocumentError, match=message):
        response.json()


def test_server_that_never_answers_times_out(dns, site, ca_file):
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match=r"did not answer within 0\.5 s"):
        HttpClient(context_for(dns, site, ca_file, http_timeout=0.5)).fetch("https://www.contoso.com/hang")
    assert time.monotonic() - started < 3


def test_cancel_returns_within_a_second_while_a_request_waits(dns, site, ca_file):
    ctx = context_for(dns, site, ca_file, http_timeout=30)
    threading.Timer(0.3, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        HttpClient(ctx).fetch("https://www.contoso.com/hang")
    assert time.monotonic() - started < 1.3


def test_cancel_interrupts_a_tls_handshake_with_a_silent_server(silent_listener):
    ctx = ProbeContext(ProbeSettings(http_timeout=30))
    threading.Timer(0.3, ctx.cancel).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        tls.handshake(ctx, "www.contoso.com", "127.0.0.1", silent_listener.port)
    assert time.monotonic() - started < 1.3


def test_handshake_reports_the_certificate_even_when_untrusted(dns, site):
    shake = tls.handshake(context_for(dns, site), "www.contoso.com", "127.0.0.2", site.port)
    assert isinstance(shake.trust_problem, TlsTrustError)
    assert shake.certificate and shake.version.startswith("TLS")


def test_connection_refused_is_a_connect_error(dns):
    from wizard.probes.net.errors import ConnectError

    ctx = ProbeContext(ProbeSettings(nameserver=(dns.address, dns.port), https_port=1))
    with pytest.raises(ConnectError, match="refused"):
        HttpClient(ctx).fetch("https://www.contoso.com/")
