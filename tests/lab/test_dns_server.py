"""The lab DNS server, queried with dnspython over UDP and TCP exactly as the probes query it."""

from __future__ import annotations

import socket
import struct

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import pytest

from wizard.lab import Lab
from wizard.lab.dns_server import DnsServer
from wizard.lab.zone import Record

from .clients import resolver

TRANSPORTS = pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])


def texts(answer: dns.resolver.Answer) -> list[str]:
    return sorted(rdata.to_text() for rdata in answer)


@TRANSPORTS
def test_a_record_answers_with_the_machine_address(lab: Lab, tcp: bool) -> None:
    assert texts(resolver(lab).resolve("ex01.contoso.com", "A", tcp=tcp)) == ["127.77.0.10"]


@TRANSPORTS
def test_pool_name_resolves_to_both_front_ends(lab: Lab, tcp: bool) -> None:
    assert texts(resolver(lab).resolve("pool01.contoso.com", "A", tcp=tcp)) == ["127.77.0.21", "127.77.0.22"]
    assert texts(resolver(lab).resolve("fe02.contoso.com", "A", tcp=tcp)) == ["127.77.0.22"]


@TRANSPORTS
def test_cname_is_chased_and_the_answer_holds_cname_and_target_address(lab: Lab, tcp: bool) -> None:
    answer = resolver(lab).resolve("autodiscover.contoso.com", "A", tcp=tcp)
    sections = [(rrset.name.to_text(), dns.rdatatype.to_text(rrset.rdtype)) for rrset in answer.response.answer]
    assert sections == [("autodiscover.contoso.com.", "CNAME"), ("ex01.contoso.com.", "A")]
    assert answer.canonical_name.to_text() == "ex01.contoso.com."
    assert texts(answer) == ["127.77.0.10"]


@TRANSPORTS
def test_cname_question_returns_the_cname_itself(lab: Lab, tcp: bool) -> None:
    answer = resolver(lab).resolve("autodiscover.contoso.com", "CNAME", tcp=tcp)
    assert texts(answer) == ["ex01.contoso.com."]


@TRANSPORTS
def test_autodiscover_srv_matches_the_field_guide(lab: Lab, tcp: bool) -> None:
    answer = resolver(lab).resolve("_autodiscover._tcp.contoso.com", "SRV", tcp=tcp)
    assert texts(answer) == ["0 0 443 autodiscover.contoso.com."]


@TRANSPORTS
@pytest.mark.parametrize(("name", "expected"), [
    ("_sip._tls.contoso.com", "0 0 443 sip.contoso.com."),
    ("_sipfederationtls._tcp.contoso.com", "0 0 5061 sip.contoso.com."),
    ("_sipinternaltls._tcp.contoso.com", "0 0 5061 pool01.contoso.com."),
])
def test_sip_srv_records_use_the_documented_ports(lab: Lab, tcp: bool, name: str, expected: str) -> None:
    assert texts(resolver(lab).resolve(name, "SRV", tcp=tcp)) == [expected]


@TRANSPORTS
def test_txt_records_at_the_apex(lab: Lab, tcp: bool) -> None:
    assert texts(resolver(lab).resolve("contoso.com", "TXT", tcp=tcp)) == ['"v=spf1 mx -all"']


@TRANSPORTS
def test_unknown_name_in_the_zone_is_nxdomain_with_the_zone_soa(lab: Lab, tcp: bool) -> None:
    query = dns.message.make_query("nosuchhost.contoso.com", "A")
    send = dns.query.tcp if tcp else dns.query.udp
    response = send(query, "127.0.0.1", port=lab.dns.port, timeout=2)
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert [rrset.name.to_text() for rrset in response.authority] == ["contoso.com."]
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver(lab).resolve("nosuchhost.contoso.com", "A", tcp=tcp)


@TRANSPORTS
def test_name_outside_the_lab_zones_is_nxdomain(lab: Lab, tcp: bool) -> None:
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver(lab).resolve("www.example.org", "A", tcp=tcp)


@TRANSPORTS
def test_known_name_without_that_type_is_noerror_without_data(lab: Lab, tcp: bool) -> None:
    query = dns.message.make_query("ex01.contoso.com", "SRV")
    send = dns.query.tcp if tcp else dns.query.udp
    response = send(query, "127.0.0.1", port=lab.dns.port, timeout=2)
    assert response.rcode() == dns.rcode.NOERROR
    assert response.answer == []
    assert [rrset.name.to_text() for rrset in response.authority] == ["contoso.com."]
    with pytest.raises(dns.resolver.NoAnswer):
        resolver(lab).resolve("ex01.contoso.com", "SRV", tcp=tcp)


def test_empty_non_terminal_is_no_data_not_nxdomain(lab: Lab) -> None:
    with pytest.raises(dns.resolver.NoAnswer):
        resolver(lab).resolve("_tcp.contoso.com", "A")


@TRANSPORTS
def test_servfail_mode_makes_a_name_fail_and_can_be_undone(tcp: bool) -> None:
    with Lab.start() as lab:
        lab.dns.set_behaviour("pool01.contoso.com", "servfail")
        query = dns.message.make_query("pool01.contoso.com", "A")
        send = dns.query.tcp if tcp else dns.query.udp
        assert send(query, "127.0.0.1", port=lab.dns.port, timeout=2).rcode() == dns.rcode.SERVFAIL
        with pytest.raises(dns.resolver.NoNameservers):
            resolver(lab).resolve("pool01.contoso.com", "A", tcp=tcp)
        assert texts(resolver(lab).resolve("fe01.contoso.com", "A", tcp=tcp)) == ["127.77.0.21"]
        lab.dns.set_behaviour("pool01.contoso.com", None)
        assert len(resolver(lab).resolve("pool01.contoso.com", "A", tcp=tcp)) == 2


def test_servfail_on_a_cname_target_fails_the_whole_answer() -> None:
    with Lab.start() as lab:
        lab.dns.set_behaviour("ex01.contoso.com", "servfail")
        response = dns.query.udp(dns.message.make_query("autodiscover.contoso.com", "A"), "127.0.0.1",
                                 port=lab.dns.port, timeout=2)
        assert response.rcode() == dns.rcode.SERVFAIL


@TRANSPORTS
def test_silent_mode_never_answers(tcp: bool) -> None:
    with Lab.start() as lab:
        lab.dns.set_behaviour("ex01.contoso.com", "silent")
        with pytest.raises(dns.resolver.LifetimeTimeout):
            resolver(lab, lifetime=0.3).resolve("ex01.contoso.com", "A", tcp=tcp)
        assert texts(resolver(lab).resolve("fe01.contoso.com", "A", tcp=tcp)) == ["127.77.0.21"]


def test_unknown_behaviour_is_refused() -> None:
    server = DnsServer([], {})
    with pytest.raises(ValueError, match="servfail"):
        server.set_behaviour("x.contoso.com", "explode")


def test_garbage_datagram_with_a_header_gets_formerr_with_its_id(lab: Lab) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(struct.pack("!H", 0xBEEF) + b"\x01\x00\x00\x05garbage-garbage", ("127.0.0.1", lab.dns.port))
        reply, _ = sock.recvfrom(512)
    query_id, flags = struct.unpack("!HH", reply[:4])
    assert query_id == 0xBEEF
    assert flags & dns.flags.QR
    assert flags & 0xF == dns.rcode.FORMERR


def test_several_queries_on_one_tcp_connection(lab: Lab) -> None:
    with socket.create_connection(("127.0.0.1", lab.dns.port), timeout=2) as sock:
        for name in ("ex01.contoso.com", "fe01.contoso.com"):
            dns.query.send_tcp(sock, dns.message.make_query(name, "A"))
            response, _ = dns.query.receive_tcp(sock)
            assert response.answer[0].name.to_text() == f"{name}."


def test_udp_answer_too_big_for_512_bytes_is_truncated_and_complete_over_tcp() -> None:
    many = [Record("big.contoso.com.", "TXT", f'"{i:03d}-{"x" * 60}"') for i in range(20)]
    server = DnsServer(many, {"contoso.com.": "ns.contoso.com. h.contoso.com. 1 2 3 4 5"}).start()
    try:
        query = dns.message.make_query("big.contoso.com", "TXT", use_edns=False)
        udp = dns.query.udp(query, "127.0.0.1", port=server.port, timeout=2, ignore_trailing=True)
        assert udp.flags & dns.flags.TC
        assert udp.answer == []
        tcp = dns.query.tcp(query, "127.0.0.1", port=server.port, timeout=2)
        assert len(tcp.answer[0]) == 20
    finally:
        assert server.stop() == []


def test_teams_topology_publishes_only_the_federation_record_microsoft_still_lists(online_lab: Lab) -> None:
    res = resolver(online_lab)
    assert texts(res.resolve("_sipfederationtls._tcp.contoso.com", "SRV")) == ["100 1 5061 sipfed.online.lync.com."]
    for name, rdtype in (("_sip._tls.contoso.com", "SRV"), ("lyncdiscover.contoso.com", "A"),
                         ("sip.contoso.com", "A"), ("pool01.contoso.com", "A"),
                         ("_sipinternaltls._tcp.contoso.com", "SRV")):
        with pytest.raises(dns.resolver.NXDOMAIN):
            res.resolve(name, rdtype)
    assert texts(res.resolve("outlook.office365.com", "A")) == ["127.77.0.120"]  # Exchange Online's stand-in


def test_tenant_topologies_publish_the_domain_verification_txt(hybrid_lab: Lab, lab: Lab) -> None:
    assert '"MS=ms48215093"' in texts(resolver(hybrid_lab).resolve("contoso.com", "TXT"))
    assert '"MS=ms48215093"' not in texts(resolver(lab).resolve("contoso.com", "TXT"))
