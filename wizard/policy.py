"""The numbers and identifiers the rules rest on, in one place.

The live checks, the inside view (collected data), the playbook, the window and the lab all judge
the same certificates and talk about the same Microsoft applications. Each of these values lives
here only, so a check and the text that explains it cannot disagree (tests/test_policy.py fails on
a copy elsewhere). Core module: no Qt, no third-party imports, and no import at all, because the
window imports it before its first paint (tests/ui/test_startup_imports.py).
"""

from __future__ import annotations

# ----- certificates -----

# A certificate closer than this to its NotAfter is a warning (live checks, trust graph, inside findings).
EXPIRY_WARNING_DAYS = 60
# The rotation plan's second calendar reminder: the last comfortable moment to roll a certificate.
EXPIRY_LAST_CALL_DAYS = 30
# The rotation plan's calendar reminders, earliest first.
EXPIRY_REMINDER_DAYS: tuple[int, ...] = (EXPIRY_WARNING_DAYS, EXPIRY_LAST_CALL_DAYS)

# The smallest RSA key SfB and Exchange accept for OAuth token signing (and what the playbook asks for).
MIN_RSA_KEY_BITS = 2048

# ----- Microsoft application (service principal) IDs -----

EXCHANGE_SERVICE_ID = "00000002-0000-0ff1-ce00-000000000000"  # Exchange (Online), Office 365 Exchange Online
SFB_SERVICE_ID = "00000004-0000-0ff1-ce00-000000000000"  # Skype for Business (Online) / Lync
ACS_SERVICE_ID = "00000001-0000-0000-c000-000000000000"  # Azure ACS / Entra ID token issuer (trusted_issuers)
TEAMS_SCHEDULER_APP_ID = "7557eb47-c689-4224-abcf-aef9bd7573df"  # Teams Calendar Scheduler Service
CLOUD_VOICEMAIL_APP_ID = "db7de2b5-2149-435e-8043-e080dd50afae"  # Cloud Voicemail

MICROSOFT_APP_IDS: dict[str, str] = {
    EXCHANGE_SERVICE_ID: "Exchange",
    SFB_SERVICE_ID: "Skype for Business",
    ACS_SERVICE_ID: "Azure Access Control (Entra ID)",
    TEAMS_SCHEDULER_APP_ID: "Teams Calendar Scheduler",
    CLOUD_VOICEMAIL_APP_ID: "Cloud Voicemail",
}
