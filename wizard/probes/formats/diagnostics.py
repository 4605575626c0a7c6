"""x-ms-diagnostics: the code, reason and category Exchange adds to a 401, read and put into words.

Exchange's OAuth module writes `CODE;reason="…";error_category="…"` (one value per header). The
meanings below are the documented ones: 2000004 invalid_tenant from Microsoft support's "Skype for
Business and Exchange integration fails if wildcards used in AcceptedDomains entries"; 4000000
oauth_not_available and 2000001 invalid_token as recorded from Exchange (a third-party recording, see
docs/facts/teams-exchange.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIELD = re.compile(r'(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')

INVALID_TENANT = "invalid_tenant"
OAUTH_NOT_AVAILABLE = "oauth_not_available"
INVALID_TOKEN = "invalid_token"

WILDCARD_SOURCE = ('Microsoft support, "Skype for Business and Exchange integration fails if wildcards used in '
                   'AcceptedDomains entries"')


@dataclass(frozen=True)
class Diagnostic:
    code: str
    reason: str
    category: str
    raw: str

    @property
    def expected_for_an_empty_token(self) -> bool:
        """2000001 "The token is invalid" is what any OAuth-enabled Exchange says to an empty Bearer."""
        return self.category.lower() == INVALID_TOKEN or self.code == "2000001"

    def words(self) -> str:
        """What it means for the admin, in a sentence (the documented cause where there is one)."""
        category = self.category.lower()
        if category == INVALID_TENANT or self.code == "2000004":
            return (f"Exchange says the tenant is unknown ({self.reason or self.raw}): it cannot map the domain of "
                    "the token's realm to an accepted domain. Microsoft documents one cause, for Skype for Business "
                    "Server with Exchange: a wildcard entry (such as *.contoso.com) in Exchange's accepted "
                    f"domains, which server-to-server authentication does not support ({WILDCARD_SOURCE}).")
        if category == OAUTH_NOT_AVAILABLE or self.code == "4000000":
            return (f"Exchange does not accept OAuth tokens for this audience ({self.reason or self.raw}): no auth "
                    "server or partner application accepts them.")
        if self.expected_for_an_empty_token:
            return "Exchange rejected the empty token, as an OAuth-enabled Exchange does."
        return f"Exchange reports {self.code or 'a diagnostic'}: {self.reason or self.raw}."


def parse_diagnostics(values: list[str]) -> list[Diagnostic]:
    """Every x-ms-diagnostics value, parsed; unparseable text is kept as the reason."""
    found: list[Diagnostic] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        code, _, rest = text.partition(";")
        fields = {m.group(1).lower(): m.group(2).strip('"') for m in _FIELD.finditer(rest)}
        found.append(Diagnostic(code.strip(), fields.get("reason", ""), fields.get("error_category", ""), text))
    return found


WILDCARD_FIX = ("List the wildcard accepted domains (Get-AcceptedDomain | Where-Object { $_.DomainName.ToString()"
                ".Contains('*') }) and define every domain explicitly instead (New-AcceptedDomain -Name <domain> "
                "-DomainName <domain> -DomainType Authoritative for each, then Remove-AcceptedDomain for the wildcard "
                f"entry); test again ({WILDCARD_SOURCE}).")
