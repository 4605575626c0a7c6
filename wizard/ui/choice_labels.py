"""Human wording for the model's choice values (presentation only; the values come from wizard.fields)."""

from __future__ import annotations

CHOICE_LABELS: dict[str, dict[str, str]] = {
    "mode": {
        "setup": "Set up a new integration",
        "verify": "Verify an existing integration or a tenant",
    },
    "exchange": {
        "server": "Exchange Server (on premises)",
        "online": "Exchange Online (Microsoft 365)",
    },
    "exchange_version": {
        "2010": "Exchange Server 2010",
        "2013": "Exchange Server 2013",
        "2016": "Exchange Server 2016",
        "2019": "Exchange Server 2019",
    },
    "sfb": {
        "server": "Lync / Skype for Business Server (on premises)",
        "online": "Skype for Business Online",
        "hybrid": "Hybrid: Server on premises with Skype for Business Online",
    },
    "sfb_version": {
        "2013": "Lync Server 2013",
        "2015": "Skype for Business Server 2015",
        "2019": "Skype for Business Server 2019",
    },
}


def choice_label(field: str, value: str) -> str:
    return CHOICE_LABELS.get(field, {}).get(value, value)
