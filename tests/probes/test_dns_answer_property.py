"""DNS answers are data: any datagram and any answer section give a typed outcome, never a defect."""

from __future__ import annotations

import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.probes.net.dns import MAX_CNAME_LINKS, classify, read_answer
from wizard.probes.net.errors import CnameChainTooLongError, CnameLoopError, DnsError, DnsWrongNameError

QUERY = dns.message.make_query("a.contoso.com", "A", use_edns=0)
NAMES = [f"{label}.contoso.com." for label in "abcdefghijkl"] + ["x.example.net.", "contoso.com."]
RDATA = {
    "A": st.sampled_from(["127.0.0.1", "10.0.0.2"]),
    "CNAME": st.sampled_from(NAMES),
    "AAAA": st.just("::1"),
    "TXT": st.just('"v=spf1 -all"'),
    "DNAME": st.just("contoso.net."),
    "SRV": st.sampled_from(["0 0 443 .", "10 5 443 a.contoso.com."]),
}
RRSET = st.sampled_from(sorted(RDATA)).flatmap(
    lambda rdtype: st.tuples(st.sampled_from(NAMES), st.just(rdtype), RDATA[rdtype]))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.booleans())
def test_any_datagram_is_classified_without_raising(tail: bytes, our_id: bool) -> None:
    data = (QUERY.id.to_bytes(2, "big") if our_id else b"\x00\x00") + tail
    kind, message = classify(data, QUERY)
    assert kind in {"answer", "truncated", "malformed", "nothing"}
    assert (message is not None) == (kind == "answer")


@settings(max_examples=300, deadline=None)
@given(st.lists(RRSET, max_size=14), st.sampled_from([dns.rcode.NOERROR, dns.rcode.NXDOMAIN]))
def test_any_answer_section_is_read_to_a_verdict(rrsets: list[tuple[str, str, str]], rcode: int) -> None:
    response = dns.message.make_response(QUERY)
    response.set_rcode(rcode)
    for name, rdtype, rdata in rrsets:
        response.find_rrset(response.answer, dns.name.from_text(name), dns.rdataclass.IN,
                            dns.rdatatype.from_text(rdtype), create=True).add(
            dns.rdata.from_text("IN", rdtype, rdata))
    chain = (dns.name.from_text("a.contoso.com."),)
    try:
        reading = read_answer(response, chain, dns.rdatatype.A, server="127.0.0.1:53")
    except (DnsWrongNameError, CnameLoopError, CnameChainTooLongError) as exc:
        assert isinstance(exc, DnsError) and str(exc) and "\n" not in str(exc)
        return
    on_chain = {chain[0], *reading.links}
    assert len(reading.links) <= MAX_CNAME_LINKS and len(on_chain) == len(reading.links) + 1
    if reading.rrset is not None:
        assert reading.rrset.name in on_chain and reading.rrset.rdtype == dns.rdatatype.A
