"""The pool's metadata document as JSON no real server sends: named verdicts on real sockets, never a defect.

A 5,000-digit number used to make 8 checks read "The check itself failed (ValueError ...)" (Python's
limit for turning text into a number); 100,000-deep nesting hit the recursion limit; a realm that is
a number was taken for a missing realm and passed. Each is now a lab fault caught by the pool's
metadata check as a bad answer, and every check that reads the document says so too when run alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from tests.lab import clients
from wizard.lab import Lab
from wizard.lab.deployment import POOL
from wizard.probes.context import ProbeContext
from wizard.probes.registry import probes_for
from wizard.probes.result import Cause, ProbeResult, Status
from wizard.probes.runner import run_probes

MARGIN = 1.5
METADATA_CHECK = f"partner-applications.sfb-metadata:{POOL}"
URL = f"https://{POOL}/metadata/json/1"

# fault -> words the verdict must contain
VERDICTS = {
    "metadata-huge-number": [URL, "holds a number 5,000 digits long", "this is not a real auth metadata document"],
    "metadata-deep-nesting": [URL, "nested too deeply", "more than 64 levels",
                              "this is not a real auth metadata document"],
    "metadata-wrong-types": [URL, "not a usable auth metadata document", "'keys' is text, not a list",
                             "'realm' is a number, not text"],
}


@pytest.fixture(scope="module", params=sorted(VERDICTS))
def faulty_lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    with Lab.start([request.param]) as lab:
        yield lab


def _huge(body: bytes) -> None:
    assert b'"version":' + b"9" * 5000 + b"}" in body


def _deep(body: bytes) -> None:
    assert b'"extensions":' + b"[" * 100_000 + b"]" * 100_000 in body


def _wrong(body: bytes) -> None:
    document = json.loads(body)
    assert isinstance(document["keys"], str) and document["realm"] == 42 and document["serviceName"]


SERVED: dict[str, Callable[[bytes], None]] = {"metadata-huge-number": _huge, "metadata-deep-nesting": _deep,
                                               "metadata-wrong-types": _wrong}


def test_the_lab_serves_the_flawed_document(faulty_lab: Lab) -> None:
    response = clients.get(faulty_lab, URL)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    SERVED[faulty_lab.faults[0]](response.content)


def test_a_healthy_lab_serves_a_plain_metadata_document() -> None:
    with Lab.start() as lab:
        document = json.loads(clients.get(lab, URL).content)
    assert set(document) == {"issuer", "keys", "realm", "serviceName"} and isinstance(document["keys"], list)


def verify(lab: Lab) -> tuple[dict[str, ProbeResult], float]:
    ctx = ProbeContext(lab.settings)
    began = time.monotonic()
    results = run_probes(probes_for(lab.scenario, login_base_url=lab.settings.login_base_url), lab.scenario, ctx)
    return {r.id: r for r in results}, time.monotonic() - began


def test_the_metadata_check_names_the_bad_document(faulty_lab: Lab) -> None:
    results, _seconds = verify(faulty_lab)
    result = results[METADATA_CHECK]
    assert result.status is Status.FAIL, result.detail
    assert result.cause is Cause.BAD_ANSWER
    for words in VERDICTS[faulty_lab.faults[0]]:
        assert words in result.detail, result.detail
    assert "virtual directory" in result.remediation
    assert result.elapsed_ms / 1000 < faulty_lab.settings.http_timeout + MARGIN


def test_no_check_of_the_run_is_a_defect_and_the_rest_still_passes(faulty_lab: Lab) -> None:
    results, seconds = verify(faulty_lab)
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]
    assert not [r.id for r in results.values() if "check itself failed" in r.detail]
    failed = {r.id for r in results.values() if r.status.is_problem}
    assert failed == {METADATA_CHECK}
    blocked = [r for r in results.values() if r.status is Status.BLOCKED]
    assert all(r.blocked_by == (METADATA_CHECK,) for r in blocked)
    assert faulty_lab.settings.budget is None or seconds < faulty_lab.settings.budget


def test_every_check_reading_the_document_alone_is_a_bad_answer_not_a_defect(faulty_lab: Lab) -> None:
    """As if no dependency had blocked them: each check that downloads the document names it."""
    ctx = ProbeContext(faulty_lab.settings)
    probes = probes_for(faulty_lab.scenario, login_base_url=faulty_lab.settings.login_base_url)
    results = {p.id: p.run(faulty_lab.scenario, ctx) for p in probes}
    readers = [r for r in results.values() if r.target == URL]
    assert len(readers) >= 2
    for result in readers:
        assert result.status is Status.FAIL, (result.id, result.detail)
        assert result.cause is Cause.BAD_ANSWER, result.id
        assert URL in result.detail
    assert not [r.id for r in results.values() if r.cause is Cause.DEFECT]
