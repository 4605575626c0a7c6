"""Fixed identifiers and host names from the documents (never typed by the user)."""

from __future__ import annotations

from wizard.policy import CLOUD_VOICEMAIL_APP_ID, EXCHANGE_SERVICE_ID, SFB_SERVICE_ID, TEAMS_SCHEDULER_APP_ID
from wizard.scenario import EXCHANGE_ONLINE_AUTODISCOVER_URL

__all__ = [
    "ACS_METADATA_URL",
    "CLOUD_VOICEMAIL_APP_ID",
    "EXCHANGE_ONLINE_AUTODISCOVER_TARGET",
    "EXCHANGE_ONLINE_AUTODISCOVER_URL",
    "EXCHANGE_ONLINE_UM_PROXY",
    "EXCHANGE_SERVICE_ID",
    "SFB_ONLINE_RECORDS",
    "SFB_SERVICE_ID",
    "TEAMS_SCHEDULER_APP_ID",
]

# Microsoft's online STS as seen from SfB Server ({tenant}: tenant ID, or a domain verified in the tenant).
ACS_METADATA_URL = "https://accounts.accesscontrol.windows.net/{tenant}/metadata/json/1"

# Shared SIP address space with Exchange Online (worldwide cloud; 21Vianet and GCC High differ).
EXCHANGE_ONLINE_UM_PROXY = "exap.um.outlook.com"

EXCHANGE_ONLINE_AUTODISCOVER_TARGET = "autodiscover.outlook.com"

# (record name, type, target, priority, weight, port) for a SIP domain served by SfB Online.
SFB_ONLINE_RECORDS: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("lyncdiscover", "CName", "webdir.online.lync.com", 0, 0, 0),
    ("sip", "CName", "sipdir.online.lync.com", 0, 0, 0),
    ("_sip._tls", "Srv", "sipdir.online.lync.com", 100, 1, 443),
    ("_sipfederationtls._tcp", "Srv", "sipfed.online.lync.com", 100, 1, 5061),
)
