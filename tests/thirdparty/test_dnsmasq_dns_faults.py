"""SRV target "." and an over-long CNAME chain as real dnsmasq serves them, read by the SfB DNS check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.thirdparty.servers import Dnsmasq, find
from wizard.probes.context import ProbeContext, ProbeSettings
from wizard.probes.dns import SfbDnsRecordsProbe
from wizard.probes.net.dns import DnsClient
from wizard.probes.net.errors import CnameChainTooLongError, SrvNotAvailableError
from wizard.probes.result import Cause, Status
from wizard.scenario import Scenario

pytestmark = pytest.mark.thirdparty

DEADLINE = 1.0
CHAIN = [("lyncdiscover.contoso.com", "ld-hop01.contoso.com"),
         *((f"ld-hop{i:02d}.contoso.com", f"ld-hop{i + 1:02d}.contoso.com") for i in range(1, 11)),
         ("ld-hop11.contoso.com", "rp01.contoso.com")]  # 12 CNAME links


@pytest.fixture
def dnsmasq(tmp_path: Path) -> Iterator[Dnsmasq]:
    if not find("dnsmasq"):
        pytest.skip("dnsmasq (package dnsmasq-base) is not installed")
    hosts = [("pool01.contoso.com", "127.0.1.21"), ("sip.contoso.com", "127.0.1.21"),
             ("rp01.contoso.com", "127.0.1.30")]
    srv = [("_sip._tls.contoso.com", "", 443, 0, 0),  # no target: dnsmasq answers with the target "."
           ("_sipinternaltls._tcp.contoso.com", "", 5061, 0, 0),
           ("_sipfederationtls._tcp.contoso.com", "sip.contoso.com", 5061, 0, 0)]
    server = Dnsmasq(tmp_path, hosts, CHAIN, srv).start()
    yield server
    server.stop()


def scenario() -> Scenario:
    result = Scenario()
    assert not result.update({"mode": "verify", "exchange": "server", "exchange_version": "2019", "sfb": "server",
                              "sfb_version": "2019", "sip_domains": ["contoso.com"], "smtp_domain": "contoso.com",
                              "exchange_fqdns": ["ex01.contoso.com"], "pool_fqdns": ["pool01.contoso.com"]})
    return result


def test_dnsmasq_srv_target_root_and_long_chain_fail_the_sfb_dns_check(dnsmasq: Dnsmasq) -> None:
    settings = ProbeSettings(nameserver=(dnsmasq.address, dnsmasq.port), dns_timeout=DEADLINE)
    client = DnsClient(ProbeContext(settings))
    with pytest.raises(SrvNotAvailableError, match=r'_sip\._tls\.contoso\.com says the service is decidedly not '
                                                   r'available in this domain: its SRV record \(0 0 443 \.\)'):
        client.srv("_sip._tls.contoso.com")
    with pytest.raises(CnameChainTooLongError, match=r"chain of 12 CNAME records \(lyncdiscover\.contoso\.com -> "
                                                     r"ld-hop01\.contoso\.com"):
        client.addresses("lyncdiscover.contoso.com")
    began = time.monotonic()
    result = SfbDnsRecordsProbe(scenario()).run(scenario(), ProbeContext(settings))
    seconds = time.monotonic() - began
    assert result.id == "prerequisites.sfb-dns"
    assert (result.status, result.cause) == (Status.FAIL, Cause.FINDING)
    assert ('_sip._tls.contoso.com and _sipinternaltls._tcp.contoso.com have the SRV target "."'
            in result.detail), result.detail
    assert "lyncdiscover.contoso.com leads through a chain of 12 CNAME records" in result.detail
    assert "target ," not in result.detail
    assert seconds < DEADLINE + 1.5
