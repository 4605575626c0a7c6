"""One answer to "is this host Microsoft 365's?" for the proxy choice, discovery and collected data."""

from __future__ import annotations

import pytest

from wizard.microsoft_online import is_microsoft_online
from wizard.probes.context import ProbeSettings
from wizard.probes.net.proxy import is_microsoft_endpoint

MICROSOFT = ["login.microsoftonline.com", "LOGIN.MICROSOFTONLINE.COM.", "login.windows.net",
             "accounts.accesscontrol.windows.net", "outlook.office365.com", "autodiscover-s.outlook.com",
             "webdir.online.lync.com", "sipdir.online.lync.com", "graph.microsoft.com", "outlook.com"]
OWN = ["", "mail.contoso.com", "outlook.contoso.com", "contoso-outlook.com", "evilmicrosoft.com",
       "lyncdiscover.contoso.com", "contoso.blob.core.windows.net", "windows.net", "microsoftonline.com.contoso.com"]


@pytest.mark.parametrize("host", MICROSOFT)
def test_microsoft_365_hosts_are_recognised_everywhere(host):
    assert is_microsoft_online(host)
    assert is_microsoft_endpoint(host, ProbeSettings())


@pytest.mark.parametrize("host", OWN)
def test_an_organisations_own_names_are_not_microsofts(host):
    assert not is_microsoft_online(host)
    assert not is_microsoft_endpoint(host, ProbeSettings())
