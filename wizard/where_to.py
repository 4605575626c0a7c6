"""Advice that names where to change something, on the command line and in the window, in one text.

The checks' words are shared by the command line, the reports and the window, so a text that says where to
change a setting names both: `where("--nameserver", "Tools > DNS resolver")` reads
"--nameserver (in the window: Tools > DNS resolver)". The window shows the text through `for_window`, which
keeps only the window's place, so its advice never names a command-line flag. Every pair is registered when
it is made, which is what lets `for_window` find it again exactly (no guessing where a flag's text ends).
"""

from __future__ import annotations

import re
import threading

_LOCK = threading.Lock()
_PAIRS: dict[str, str] = {}  # the combined text -> the window's place
_PATTERN: re.Pattern[str] | None = None


def where(cli: str, window: str) -> str:
    """'CLI (in the window: WINDOW)', remembered so the window can show WINDOW alone."""
    global _PATTERN
    text = f"{cli} (in the window: {window})"
    with _LOCK:
        if text not in _PAIRS:
            _PAIRS[text] = window
            _PATTERN = None
    return text


def for_window(text: str) -> str:
    """The text as the window shows it: each registered place pair replaced by the window's place."""
    global _PATTERN
    with _LOCK:
        if not _PAIRS:
            return text
        if _PATTERN is None:
            _PATTERN = re.compile("|".join(re.escape(t) for t in sorted(_PAIRS, key=len, reverse=True)))
        pattern, pairs = _PATTERN, dict(_PAIRS)
    return pattern.sub(lambda m: pairs[m.group(0)], text)


# A flag as it appears in advice ("--proxy", "verify --nameserver"): the window's texts must show none.
CLI_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")

# The places both ways, for the texts that name them (one definition each).
RESOLVER = where("--nameserver", "Tools > DNS resolver")
PROXY = where("--proxy http://PROXY:PORT", "Tools > Proxy for Microsoft 365")
PROXY_WITH_PASSWORD = where("--proxy http://USER:PASSWORD@PROXY:PORT",
                            "Tools > Proxy for Microsoft 365, as http://USER:PASSWORD@PROXY:PORT")
NO_SYSTEM_PROXY = where("--no-system-proxy", "Tools > Proxy for Microsoft 365, Connect directly")
NO_PROXY_GIVEN = where("leave out --proxy", "choose this PC's settings under Tools > Proxy for Microsoft 365")
TEST_USER = where("--test-sip-uri sip:user@domain", "the test user's SIP address on the Verification page")


def give(name: str, value: str = "") -> str:
    """Where to give a scenario value: 'give --exchange hybrid (in the window: set Exchange to hybrid on the
    Start page)'. The choices of the first step are on the start page; every other value is on its step's page."""
    from wizard.fields import FIELD_BY_NAME, Kind
    from wizard.topology import Phase

    spec = FIELD_BY_NAME[name]
    page = "Start" if spec.kind is Kind.CHOICE and spec.phase is Phase.PREREQUISITES else spec.phase.title
    cli = f"give {spec.flag}" + (f" {value}" if value else "")
    window = f"set {spec.label}" + (f" to {value}" if value else "") + f" on the {page} page"
    return where(cli, window)
# The steps as the decoder's catalogue (resources/errors.json) names them, both ways.
STEPS = tuple(where(f"verify --phase {phase}", f"the {title} step") for phase, title in (
    ("prerequisites", "Prerequisites"), ("certificates", "Certificates"), ("verification", "Verification")))
