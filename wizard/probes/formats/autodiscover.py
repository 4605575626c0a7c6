"""Is this Exchange Autodiscover? Judging an unauthenticated answer from the .xml (POX) or .svc (SOAP) URL.

An unauthenticated request to a working Autodiscover gets 401 with Windows/Basic challenges, or (when
anonymous access is allowed) an Autodiscover XML body such as error 600 "Invalid Request". 404, a
web site's page or a proxy's error means nothing Exchange-like lives at that URL. Namespaces are the
real http:// URIs, not the https:// the current docs print.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

from wizard.probes.formats.challenge import parse_challenges
from wizard.probes.net.http import HttpResponse

POX_RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
POX_REQUEST_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
POX_OUTLOOK_RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"
SOAP_AUTODISCOVER_NS = "http://schemas.microsoft.com/exchange/2010/Autodiscover"
SOAP_ACTION = f"{SOAP_AUTODISCOVER_NS}/Autodiscover/GetUserSettings"


@dataclass(frozen=True)
class Verdict:
    present: bool
    how: str


def pox_request(email: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="{POX_REQUEST_NS}"><Request>'
            f"<EMailAddress>{escape(email)}</EMailAddress>"
            f"<AcceptableResponseSchema>{POX_OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>"
            "</Request></Autodiscover>").encode()


def soap_request(email: str, url: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            f'xmlns:a="{SOAP_AUTODISCOVER_NS}" xmlns:wsa="http://www.w3.org/2005/08/addressing" '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>'
            "<a:RequestedServerVersion>Exchange2013</a:RequestedServerVersion>"
            f"<wsa:Action>{SOAP_ACTION}</wsa:Action><wsa:To>{escape(url)}</wsa:To></soap:Header><soap:Body>"
            "<a:GetUserSettingsRequestMessage><a:Request><a:Users><a:User>"
            f"<a:Mailbox>{escape(email)}</a:Mailbox></a:User></a:Users><a:RequestedSettings>"
            "<a:Setting>ExternalEwsUrl</a:Setting><a:Setting>InternalEwsUrl</a:Setting></a:RequestedSettings>"
            "</a:Request></a:GetUserSettingsRequestMessage></soap:Body></soap:Envelope>").encode()


def _xml_root(body: bytes) -> ET.Element | None:
    if b"<!DOCTYPE" in body[:2048].upper() or b"<!ENTITY" in body.upper():
        return None  # Exchange never sends a DTD; refuse entity tricks
    try:
        return ET.fromstring(body)
    except (ET.ParseError, ValueError, LookupError):  # LookupError/ValueError: an encoding expat cannot read
        return None


def judge(response: HttpResponse) -> Verdict:
    """Whether an unauthenticated answer looks like Exchange Autodiscover, and why."""
    status = response.status
    if status == 401:
        schemes = [c.scheme for c in parse_challenges(response.header_all("WWW-Authenticate"))]
        if schemes:
            return Verdict(True, f"asks for authentication ({', '.join(schemes)}) as Exchange does")
        return Verdict(False, "answers 401 without saying how to authenticate (not how Exchange answers)")
    if status == 200:
        root = _xml_root(response.body)
        if root is not None:
            tag = root.tag
            if tag.startswith("{http://schemas.microsoft.com/exchange/autodiscover/") and tag.endswith("}Autodiscover"):
                code = root.find(f".//{{{POX_RESPONSE_NS}}}ErrorCode")
                extra = f" (error {code.text})" if code is not None and code.text else ""
                return Verdict(True, f"answers with an Autodiscover XML document{extra}")
            if tag.endswith("}Envelope") and SOAP_AUTODISCOVER_NS.encode() in response.body:
                return Verdict(True, "answers with an Autodiscover SOAP envelope")
        kind = response.content_type or "no content type"
        return Verdict(False, f"answers 200 with {kind} that is not an Autodiscover document (a web site or "
                              "proxy page?)")
    if status == 404:
        return Verdict(False, "answers 404 Not Found: there is no Autodiscover virtual directory at this URL")
    return Verdict(False, f"answers HTTP {status} {response.reason}".rstrip() + ", not as Exchange Autodiscover does")
