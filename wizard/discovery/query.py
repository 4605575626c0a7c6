"""What the helpdesk typed: a user's address (adele@contoso.com, sip:adele@contoso.com) or a domain."""

from __future__ import annotations

from dataclasses import dataclass

from wizard import validation
from wizard.validation import InvalidValue


@dataclass(frozen=True)
class Query:
    text: str  # as given, for the verdict line
    domain: str  # lower case
    address: str = ""  # the user's address (SMTP and SIP alike until told otherwise); "" for a domain

    @property
    def sip_uri(self) -> str:
        return f"sip:{self.address}" if self.address else ""


def parse_query(text: str) -> Query:
    """A Query, or InvalidValue naming what is wrong ("adele@" is neither an address nor a domain)."""
    value = text.strip()
    if not value:
        raise InvalidValue("give a user's address (adele@contoso.com) or a domain (contoso.com)")
    lowered = value.lower()
    if lowered.startswith("sip:") or "@" in value:
        bare = value[4:] if lowered.startswith("sip:") else value
        address = validation.email(bare)
        return Query(value, address.rpartition("@")[2].lower(), address)
    return Query(value, validation.domain(value).lower())
