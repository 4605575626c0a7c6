"""Human wording for the model's choice values (presentation only; the values come from wizard.fields).

Version names and their support dates are the core's (wizard.topology's names, wizard.lifecycle's
dates); this module only words them for a radio button, a combo item or the line under it.
wizard.lifecycle (and datetime with it) is imported only for that line, after the first window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.topology import EXCHANGE_NAMES, SFB_NAMES, ExchangeVersion, SfbVersion

if TYPE_CHECKING:
    import datetime as dt

    from wizard.lifecycle import Support

CHOICE_LABELS: dict[str, dict[str, str]] = {
    "mode": {
        "setup": "Set up a new integration",
        "verify": "Verify an existing integration or a tenant",
    },
    "exchange": {
        "server": "Exchange Server (every mailbox on premises)",
        "hybrid": "Exchange hybrid (mailboxes on premises and in Exchange Online)",
        "online": "Exchange Online (every mailbox in Microsoft 365)",
    },
    "sfb": {
        "server": "Lync / Skype for Business Server (on premises)",
        "hybrid": "Skype for Business Server with Microsoft Teams (hybrid)",
        "teams": "Microsoft Teams only",
    },
}


def version_name(field: str, value: str) -> str | None:
    """The product name of an Exchange or SfB Server version choice (None for any other choice)."""
    if field == "exchange_version" and value in {v.value for v in ExchangeVersion}:
        return EXCHANGE_NAMES[ExchangeVersion(value)]
    if field == "sfb_version" and value in {v.value for v in SfbVersion}:
        # "SfB Server" under the "Skype for Business / Teams" heading: the full name is cut off at 125 %
        return SFB_NAMES[SfbVersion(value)].replace("Skype for Business Server", "SfB Server")
    return None


def version_support(field: str, value: str) -> Support | None:
    """The lifecycle entry of an Exchange or SfB Server version choice (None for any other choice)."""
    from wizard.lifecycle import EXCHANGE_SUPPORT, SFB_SUPPORT

    if field == "exchange_version" and value in {v.value for v in ExchangeVersion}:
        return EXCHANGE_SUPPORT[ExchangeVersion(value)]
    if field == "sfb_version" and value in {v.value for v in SfbVersion}:
        return SFB_SUPPORT[SfbVersion(value)]
    return None


def long_date(day: dt.date) -> str:
    """'14 October 2025', the way wizard.lifecycle words its dates."""
    return f"{day.day} {day:%B %Y}"


def choice_label(field: str, value: str) -> str:
    """The text of one choice; a version is called by its product name (wizard.topology's)."""
    return version_name(field, value) or CHOICE_LABELS.get(field, {}).get(value, value)


def support_status(field: str, value: str, *, on: dt.date | None = None) -> tuple[str, str]:
    """(a short line for under the choice, the lifecycle's full sentence with its source) for a version."""
    from wizard.lifecycle import today

    support = version_support(field, value)
    if support is None:
        return "", ""
    when = on or today()
    full = f"{support.sentence(when)}\nSource: {support.source}"
    if support.end is None:
        return "Supported (Modern Lifecycle Policy).", full
    if support.ended(when):
        return f"Out of support since {long_date(support.end)}; the wizard still handles it.", full
    return f"Supported until {long_date(support.end)}.", full
