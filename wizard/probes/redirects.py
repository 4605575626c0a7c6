"""A pass built on a document that came from another host is a warning that names the host.

HttpClient follows redirects (a probe must see what the URL leads to) and notes every hop to another
host in REDIRECTED_SEEN; the probe boundary gives each probe a fresh list (`watch_redirects`) and,
when the probe passed, `warn_if_redirected` turns the pass into a warning. The servers that download
these URLs are configured with the URL itself; what another host serves is not what was configured.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wizard.probes.net.http import REDIRECTED_SEEN, CrossHostRedirect
from wizard.probes.result import Evidence, Status

if TYPE_CHECKING:
    from wizard.probes.base import Finding


def watch_redirects() -> list[CrossHostRedirect]:
    """A fresh list for the probe about to run in this thread; fetches append cross-host redirects to it."""
    seen: list[CrossHostRedirect] = []
    REDIRECTED_SEEN.set(seen)
    return seen


def warn_if_redirected(finding: Finding, seen: list[CrossHostRedirect], caller: str) -> Finding:
    """The finding, or (for a pass) a warning naming the host the answer really came from."""
    if finding.status is not Status.PASS or not seen:
        return finding
    moves = list(dict.fromkeys(seen))
    first = moves[0]
    others = ", ".join(sorted({m.to_host for m in moves} - {first.to_host}))
    detail = (f"{finding.detail} But the answer came from {first.to_host}, not {first.from_host}: {first.url} "
              f"redirects to {first.final_url}, and the check followed the redirect. {caller[:1].upper()}{caller[1:]} "
              f"are configured with {first.url} itself: unless they follow a redirect to another host they do not "
              f"get this answer, and if they do, what they trust is whatever {first.to_host} serves."
              + (f" Other answers came from {others} the same way." if others else ""))
    fix = (f"Make {first.from_host} answer {urlpath(first.url)} itself: remove the redirect (IIS HTTP Redirect or URL "
           "Rewrite rule, or a load balancer or reverse proxy rule) for that path. If the document is meant to come "
           f"from {first.to_host}, configure that URL instead.")
    evidence = tuple(Evidence(f"redirect {i}", line) for i, line in enumerate(
        dict.fromkeys(line for m in moves for line in m.trail), 1))
    return dataclasses.replace(finding, status=Status.WARN, detail=detail, remediation=fix,
                               evidence=(*finding.evidence, *evidence))


def urlpath(url: str) -> str:
    return urlsplit(url).path or "/"
