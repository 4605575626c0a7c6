"""Validators for every value a user can type; each returns the normalised value or raises.

They are strict on purpose: a value that passes here is what ends up, quoted, in a generated
script, so anything odd is rejected with a message that names the problem. A message stays one
line: a value it quotes is shown with its hidden characters written out (\r\n, \x1b, \u202e).
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import urlsplit

from wizard.policy import SFB_SERVICE_ID
from wizard.safe_text import hidden_characters, shown


class InvalidValue(ValueError):  # noqa: N818 - reads better at call sites than InvalidValueError
    """A value that cannot be used; the message is shown next to the field."""


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_THUMB = re.compile(r"^[0-9A-F]{40}$")
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&*+/=?^_`{|}~.-]{1,64}$")
_HOST_PORT = re.compile(r"^(?P<host>\[[0-9a-fA-F:]+\]|[^:\s]+)(?::(?P<port>\d{1,5}))?$")


_SPECIALS = frozenset(string.whitespace + "'\"`;$&|<>(){}[]\\/,@:*?!%")
QUOTE_LIMIT = 60  # characters of a refused value a message quotes


def _quoted(text: str) -> str:
    """A value inside a message: quoted, hidden characters visible, long values cut."""
    return f"'{shown(text, limit=QUOTE_LIMIT)}'"


def _kind(char: str) -> str:
    if char in "\r\n\x0b\x0c\x85\u2028\u2029":
        return "a line break"
    if unicodedata.category(char) == "Cc":
        return "a control character"
    if char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return "a text-direction character"
    return "an invisible character"


def visible(value: str, *, what: str) -> str:
    """`value` unchanged, or InvalidValue naming the first hidden character (control, bidi, zero-width).

    Such a character cannot be seen where the value is shown, and makes it read differently (a
    right-to-left override shows 'cer.exe' as 'exe.rec') or breaks the line it is written on.
    """
    found = hidden_characters(value)
    if found:
        raise InvalidValue(f"The {what} contains {_kind(found[0])} ({shown(found[0])}), which cannot be used: "
                           f"{_quoted(value)}.")
    return value


def _is_idna_letter(char: str) -> bool:
    """Letters, digits and combining marks may form an internationalised label; punctuation may not."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def fqdn(value: str, *, what: str = "host name", min_labels: int = 2) -> str:
    """An RFC 1123 host name; internationalised names are converted to their IDNA (xn--) form."""
    text = visible(value.strip(), what=what).rstrip(".")
    if not text:
        raise InvalidValue(f"Enter a {what}.")
    if any(c in _SPECIALS or (not c.isascii() and not _is_idna_letter(c)) for c in text):
        raise InvalidValue(f"A {what} may only contain letters, digits, hyphens and dots.")
    try:
        ascii_name = text.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidValue(f"{_quoted(text)} is not a valid internationalised {what}.") from None
    if len(ascii_name) > 253:
        raise InvalidValue(f"A {what} is at most 253 characters long.")
    labels = ascii_name.split(".")
    bad = next((label for label in labels if not _LABEL.match(label)), None)
    if bad is not None:
        if bad == "":
            raise InvalidValue(f"{_quoted(text)} has an empty label (two dots in a row).")
        raise InvalidValue(
            f"{_quoted(bad)} is not a valid label: 1-63 letters, digits or hyphens, not starting or ending with '-'.")
    if len(labels) < min_labels:
        raise InvalidValue(f"Enter a fully qualified {what} such as server.contoso.com.")
    if labels[-1].isdigit():
        raise InvalidValue(f"{_quoted(text)} looks like an IP address; enter a {what}.")
    return ascii_name


def domain(value: str) -> str:
    return fqdn(value, what="domain name")


def sip_uri(value: str) -> str:
    """A SIP URI such as sip:jeff@jdskype.net; a bare user@domain gets the sip: prefix."""
    text = visible(value.strip(), what="SIP address")
    if not text:
        raise InvalidValue("Enter a SIP address such as sip:user@contoso.com.")
    if text.lower().startswith("sip:"):
        text = text[4:]
    user, at, host = text.partition("@")
    if not at or not user:
        raise InvalidValue("A SIP address looks like sip:user@contoso.com.")
    if not _LOCAL_PART.match(user) or user.startswith(".") or user.endswith(".") or ".." in user:
        raise InvalidValue(f"{_quoted(user)} is not a valid user part of a SIP address.")
    return f"sip:{user}@{fqdn(host, what='SIP domain')}"


def email(value: str) -> str:
    """An SMTP address such as adele@contoso.com (a pasted mailto: or SMTP: prefix is dropped)."""
    text = visible(value.strip(), what="e-mail address")
    for prefix in ("mailto:", "smtp:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    user, at, host = text.partition("@")
    if not at or not user:
        raise InvalidValue("An e-mail address looks like user@contoso.com.")
    if not _LOCAL_PART.match(user) or user.startswith(".") or user.endswith(".") or ".." in user:
        raise InvalidValue(f"{_quoted(user)} is not a valid user part of an e-mail address.")
    return f"{user}@{fqdn(host, what='e-mail domain')}"


def https_url(value: str, *, what: str = "URL") -> str:
    """An absolute https:// URL on a valid host name, with no credentials, query or fragment."""
    text = visible(value.strip(), what=what)
    if not text:
        raise InvalidValue(f"Enter a {what}.")
    parts = urlsplit(text)
    if parts.scheme.lower() != "https":
        raise InvalidValue(f"The {what} must start with https://.")
    if parts.username or parts.password:
        raise InvalidValue(f"The {what} must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise InvalidValue(f"The {what} must not contain '?' or '#'.")
    host = fqdn(parts.hostname or "", what="host name in the URL")
    path = parts.path or "/"
    if re.search(r"[^A-Za-z0-9._~/%-]", path):
        raise InvalidValue(f"The path of the {what} contains characters that do not belong in a URL.")
    port = f":{parts.port}" if parts.port not in (None, 443) else ""
    return f"https://{host}{port}{path}"


def guid(value: str) -> str:
    text = visible(value.strip(), what="GUID").strip("{}").lower()
    if not _GUID.match(text):
        raise InvalidValue(f"A GUID looks like {SFB_SERVICE_ID}.")
    return text


def thumbprint(value: str) -> str:
    """A SHA-1 certificate thumbprint, 40 hex digits; spaces and colons are dropped, case upper."""
    text = visible(re.sub(r"[\s:]", "", value).replace("\u200e", ""), what="thumbprint").upper()
    if not _THUMB.match(text):
        raise InvalidValue("A certificate thumbprint is 40 hexadecimal digits (SHA-1).")
    return text


def host_port(value: str, *, default_port: int) -> tuple[str, int]:
    """A 'host[:port]' pair such as 10.0.0.53 or 127.0.0.1:5353, for a chosen DNS server."""
    match = _HOST_PORT.match(visible(value.strip(), what="server address"))
    if not match:
        raise InvalidValue("Enter a server as HOST or HOST:PORT.")
    port = int(match.group("port") or default_port)
    if not 0 < port < 65536:
        raise InvalidValue("A port is between 1 and 65535.")
    return match.group("host").strip("[]"), port


def ps_identity(value: str, *, what: str = "name") -> str:
    """A plain name for PowerShell -Identity/-Name values: letters, digits, space, . _ -."""
    text = visible(value.strip(), what=what)
    if not text or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}", text):
        raise InvalidValue(f"A {what} uses letters, digits, spaces, '.', '_' or '-' (at most 64).")
    return text


def windows_path(value: str, *, what: str = "file path") -> str:
    """A local file path; quotes, hidden characters (controls, bidi, zero-width) and PowerShell specials are refused."""
    text = visible(value.strip(), what=what)
    if not text:
        raise InvalidValue(f"Enter a {what}.")
    if any(c in text for c in "'\"`$;|<>"):
        raise InvalidValue(f"The {what} contains characters that are not allowed (quotes, $, ;, |, <, >).")
    return text
