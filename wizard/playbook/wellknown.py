"""Fixed identifiers and host names from Microsoft's documents (never typed by the user)."""

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
    "SFB_SERVICE_ID",
    "TEAMS_FEDERATION_SRV",
    "TEAMS_SCHEDULER_APP_ID",
]

# Microsoft's online STS as seen from SfB Server ({tenant}: tenant ID, or a domain verified in the tenant).
ACS_METADATA_URL = "https://accounts.accesscontrol.windows.net/{tenant}/metadata/json/1"

# Shared SIP address space with Exchange Online (worldwide cloud; 21Vianet and GCC High differ).
EXCHANGE_ONLINE_UM_PROXY = "exap.um.outlook.com"

EXCHANGE_ONLINE_AUTODISCOVER_TARGET = "autodiscover.outlook.com"

# (record name, target, priority, weight, port): the SIP federation SRV record of a Teams-only tenant's domain,
# the only Skype for Business record Microsoft's "External Domain Name System records for Microsoft 365" still lists.
TEAMS_FEDERATION_SRV: tuple[str, str, int, int, int] = (
    "_sipfederationtls._tcp", "sipfed.online.lync.com", 100, 1, 5061)
