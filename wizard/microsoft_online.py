"""Which host names are Microsoft 365's own online services: one list for every part that must tell them apart.

The proxy choice (only Microsoft's endpoints go through a proxy), discovery (a name pointing here means the
service is in Microsoft 365, not on premises) and the reading of collected data (an Exchange Autodiscover URL
here says nothing about the organisation's own domain) all ask the same question, so they share the answer.
"""

from __future__ import annotations

# By the domains Microsoft's "Microsoft 365 URLs and IP address ranges" lists them under: sign-in and tenant
# discovery (login.microsoftonline.com and the other *.microsoftonline.com hosts, login.windows.net,
# accounts.accesscontrol.windows.net), Exchange Online (outlook.office365.com, *.outlook.com, *.office365.com),
# Skype for Business Online and Teams (webdir/sipdir *.online.lync.com, *.lync.com, *.teams.microsoft.com),
# Microsoft Graph (graph.microsoft.com) and the rest of *.microsoft.com and *.office.com. No organisation's
# own server lives under these names.
SUFFIXES = (".microsoftonline.com", ".microsoftonline-p.com", ".accesscontrol.windows.net", ".online.lync.com",
            ".lync.com", ".outlook.com", ".office365.com", ".office.com", ".microsoft.com")
HOSTS = frozenset({"login.windows.net"})


def is_microsoft_online(host: str) -> bool:
    """True for a host of Microsoft 365's online services (any case, with or without the root's dot)."""
    host = host.lower().rstrip(".")
    return bool(host) and (host in HOSTS or any(host.endswith(s) or host == s[1:] for s in SUFFIXES))
