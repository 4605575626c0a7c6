"""WWW-Authenticate challenges (RFC 7235): which schemes a server offers and the Bearer parameters.

SfB's UCWA user link and Exchange's OAuth-protected directories answer an unauthenticated request
with `Bearer client_id="…", trusted_issuers="…"`; those two values show which partner trust exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*(,|$)')
_SCHEME = re.compile(rf"\s*({_TOKEN})(?=\s|,|$)(\s*,)?")
_TOKEN68 = re.compile(r"\s+[A-Za-z0-9\-._~+/]+=*\s*(,|$)")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True)
class Challenge:
    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> str:
        return next((v for k, v in self.params.items() if k.lower() == name.lower()), "")

    def list_param(self, name: str) -> list[str]:
        return [item.strip() for item in self.param(name).split(",") if item.strip()]


def parse_challenges(headers: list[str]) -> list[Challenge]:
    """Parse every WWW-Authenticate value (several headers, or several challenges in one)."""
    found: list[Challenge] = []
    for header in headers:
        text = header.strip()
        pos = 0
        current: Challenge | None = None
        while pos < len(text):
            param = _PARAM.match(text, pos)
            if current is not None and param and param.group(1).lower() != current.scheme.lower():
                value = param.group(2)
                if _QUOTED.fullmatch(value):  # not a bare value that merely starts with a quote
                    value = re.sub(r"\\(.)", r"\1", value[1:-1], flags=re.DOTALL)
                current.params[param.group(1)] = value
                pos = param.end()
                continue
            scheme = _SCHEME.match(text, pos)
            if scheme is None or scheme.end() == pos:
                break
            current = Challenge(scheme.group(1))
            found.append(current)
            pos = scheme.end()
            if scheme.group(2) is None:  # "Negotiate abc==": a token68 credential, not parameters
                token68 = _TOKEN68.match(text, pos)
                if token68:
                    pos = token68.end()
    return found


def bearer(challenges: list[Challenge]) -> Challenge | None:
    return next((c for c in challenges if c.scheme.lower() == "bearer"), None)
