"""A Location header that is no followable URL is a bad answer in words, never a defect."""

from __future__ import annotations

import pytest

from tests.probes.conftest import context_for
from tests.probes.loopback import DnsBehaviour, Reply
from wizard.probes.base import BaseProbe, Net, passed
from wizard.probes.context import ProbeContext
from wizard.probes.net.errors import RedirectError
from wizard.probes.net.http import HttpClient
from wizard.probes.result import Cause, Status
from wizard.scenario import example_scenario
from wizard.topology import Phase

BAD_LOCATIONS = ["https://www.contoso.com:99999/", "http://[bad", "https://:443/x", "https://www.contoso.com:port/"]


@pytest.mark.parametrize("location", BAD_LOCATIONS)
def test_a_redirect_to_something_that_is_not_a_url_is_named(dns_server, https_server, test_ca, ca_file, location):
    dns = dns_server(DnsBehaviour(records={("www.contoso.com.", "A"): ["127.0.0.2"]}))
    site = https_server("127.0.0.2", {"www.contoso.com": test_ca.issue(["www.contoso.com"])},
                        {("www.contoso.com", "/go"): Reply(302, [("Location", location)])})
    with pytest.raises(RedirectError, match=r"not a valid URL|names no host|not a web address") as caught:
        HttpClient(context_for(dns, site, ca_file)).fetch("https://www.contoso.com/go")
    assert str(caught.value).startswith("https://www.contoso.com/go ")


def test_a_bad_location_is_a_bad_answer_of_the_probe_not_a_defect(dns_server, https_server, test_ca, ca_file):
    class Fetch(BaseProbe):
        id, phase, title = "test.fetch", Phase.VERIFICATION, "fetches"

        def check(self, scenario, ctx: ProbeContext):
            return passed(str(Net(ctx).http.fetch("https://www.contoso.com/go").status))

    dns = dns_server(DnsBehaviour(records={("www.contoso.com.", "A"): ["127.0.0.2"]}))
    site = https_server("127.0.0.2", {"www.contoso.com": test_ca.issue(["www.contoso.com"])},
                        {("www.contoso.com", "/go"): Reply(302, [("Location", "http://[bad")])})
    result = Fetch().run(example_scenario(), context_for(dns, site, ca_file))
    assert result.status is Status.FAIL and result.cause is Cause.BAD_ANSWER, result.detail
