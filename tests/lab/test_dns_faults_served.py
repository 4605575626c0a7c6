"""The lab's DNS faults as its server really serves them, over UDP and over TCP, asked with plain dnspython."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from wizard.lab import Lab

TRANSPORTS = pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
POOL = ["pool01.contoso.com. 127.77.0.21", "pool01.contoso.com. 127.77.0.22"]


def ask(lab: Lab, name: str, rdtype: str, *, tcp: bool, edns: bool = True) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype, use_edns=0 if edns else False, payload=1232)
    assert lab.dns is not None
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, "127.0.0.1", port=lab.dns.port, timeout=2)


def answer_texts(response: dns.message.Message) -> list[str]:
    return [f"{rrset.name} {rdata}" for rrset in response.answer for rdata in rrset]


def check_cname_loop(lab: Lab, tcp: bool) -> None:
    response = ask(lab, "autodiscover.contoso.com", "A", tcp=tcp)
    assert response.rcode() == dns.rcode.NOERROR  # what resolvers answer; the client must see the loop
    assert answer_texts(response) == ["autodiscover.contoso.com. mail.contoso.com.",
                                      "mail.contoso.com. autodiscover.contoso.com."]


def check_cname_chain_too_long(lab: Lab, tcp: bool) -> None:
    texts = answer_texts(ask(lab, "sip.contoso.com", "A", tcp=tcp))
    assert texts[0] == "sip.contoso.com. sip-hop01.contoso.com."
    assert texts[19] == "sip-hop19.contoso.com. pool01.contoso.com."
    assert sorted(texts[20:]) == POOL


def check_sip_srv_target_root(lab: Lab, tcp: bool) -> None:
    assert answer_texts(ask(lab, "_sip._tls.contoso.com", "SRV", tcp=tcp)) == ["_sip._tls.contoso.com. 0 0 443 ."]
    assert answer_texts(ask(lab, "_sipinternaltls._tcp.contoso.com", "SRV", tcp=tcp)) == [
        "_sipinternaltls._tcp.contoso.com. 0 0 5061 ."]


def check_srv_target_no_address(lab: Lab, tcp: bool) -> None:
    assert answer_texts(ask(lab, "_sipfederationtls._tcp.contoso.com", "SRV", tcp=tcp)) == [
        "_sipfederationtls._tcp.contoso.com. 0 0 5061 access.contoso.com."]
    assert ask(lab, "access.contoso.com", "A", tcp=tcp).rcode() == dns.rcode.NXDOMAIN


def check_dns_truncated(lab: Lab, tcp: bool) -> None:
    response = ask(lab, "pool01.contoso.com", "A", tcp=tcp)
    if tcp:
        assert not response.flags & dns.flags.TC
        assert sorted(answer_texts(response)) == POOL
    else:
        assert response.flags & dns.flags.TC
        texts = answer_texts(response)
        assert len(texts) == 1 and texts[0] in POOL  # cut: one address of two
    assert not ask(lab, "fe01.contoso.com", "A", tcp=tcp).flags & dns.flags.TC  # only that name


def check_dns_wrong_name(lab: Lab, tcp: bool) -> None:
    response = ask(lab, "ex01.contoso.com", "A", tcp=tcp)
    assert response.question[0].name.to_text() == "ex01.contoso.com."  # the question is echoed as asked
    assert answer_texts(response) == ["ex01.fabrikam.com. 127.77.0.10"]
    assert answer_texts(ask(lab, "autodiscover.contoso.com", "A", tcp=tcp)) == [
        "autodiscover.contoso.com. ex01.contoso.com.", "ex01.contoso.com. 127.77.0.10"]


def check_dns_silent(lab: Lab, tcp: bool) -> None:
    assert lab.dns is not None
    query = dns.message.make_query("contoso.com", "SOA")
    if not tcp:
        with pytest.raises(dns.exception.Timeout):
            dns.query.udp(query, "127.0.0.1", port=lab.dns.port, timeout=0.5)
        return
    with socket.create_connection(("127.0.0.1", lab.dns.port), timeout=2) as sock:
        wire = query.to_wire()
        sock.sendall(struct.pack("!H", len(wire)) + wire)
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(2)


def check_no_internet_names(lab: Lab, tcp: bool) -> None:
    for name in ("login.microsoftonline.com", "outlook.office365.com", "sipfed.online.lync.com"):
        response = ask(lab, name, "A", tcp=tcp)
        assert response.rcode() == dns.rcode.NXDOMAIN and response.authority, name  # with the zone's SOA
    assert sorted(answer_texts(ask(lab, "pool01.contoso.com", "A", tcp=tcp))) == POOL


SERVED: dict[str, Callable[[Lab, bool], None]] = {
    "cname-loop": check_cname_loop,
    "cname-chain-too-long": check_cname_chain_too_long,
    "sip-srv-target-root": check_sip_srv_target_root,
    "srv-target-no-address": check_srv_target_no_address,
    "dns-truncated": check_dns_truncated,
    "dns-wrong-name": check_dns_wrong_name,
    "dns-silent": check_dns_silent,
    "no-internet-names": check_no_internet_names,
}


@TRANSPORTS
@pytest.mark.parametrize("fault", sorted(SERVED))
def test_dns_fault_is_served_over_udp_and_tcp(fault: str, tcp: bool) -> None:
    with Lab.start([fault], topology="hybrid" if fault == "no-internet-names" else "onprem") as lab:
        SERVED[fault](lab, tcp)
        assert lab.errors == []


def test_a_long_chain_without_edns_is_truncated_and_whole_over_tcp() -> None:
    with Lab.start(["cname-chain-too-long"]) as lab:
        assert ask(lab, "sip.contoso.com", "A", tcp=False, edns=False).flags & dns.flags.TC
        assert len(ask(lab, "sip.contoso.com", "A", tcp=True, edns=False).answer) == 21


def test_the_faults_do_not_touch_the_healthy_names() -> None:
    with Lab.start(["cname-loop", "sip-srv-target-root", "dns-truncated"]) as lab:
        assert answer_texts(ask(lab, "ex01.contoso.com", "A", tcp=False)) == ["ex01.contoso.com. 127.77.0.10"]
        assert answer_texts(ask(lab, "_sipfederationtls._tcp.contoso.com", "SRV", tcp=False)) == [
            "_sipfederationtls._tcp.contoso.com. 0 0 5061 sip.contoso.com."]
