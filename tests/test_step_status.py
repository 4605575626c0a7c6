"""One step's status from its planned checks: out of date is never a pass, a planned check without a result has
not run, results of checks no longer planned say nothing, and the headline and the counts come from one list."""

from __future__ import annotations

from wizard.probes.result import Cause, ProbeResult, Status
from wizard.step_status import PENDING, RUNNING, STALE, summarise_step
from wizard.topology import Phase


def result(rid: str, status: Status, blocked_by: tuple[str, ...] = ()) -> ProbeResult:
    cause = {Status.FAIL: Cause.FINDING, Status.BLOCKED: Cause.BLOCKED, Status.ERROR: Cause.UNREACHABLE}.get(status)
    return ProbeResult(rid, Phase.PREREQUISITES, status, rid, "", "", (), cause=cause, blocked_by=blocked_by)


PASSED = {i: result(i, Status.PASS) for i in ("a", "b", "c")}


def test_all_passed_is_ready():
    summary = summarise_step(["a", "b", "c"], PASSED)
    assert (summary.status, summary.headline, summary.detail) == ("pass", "Ready: all 3 checks passed", "3 passed")


def test_a_value_changed_since_they_ran_is_out_of_date_never_a_pass():
    summary = summarise_step(["a", "b", "c"], PASSED, {"a", "b", "c"})
    assert summary.status == STALE and summary.headline.startswith("Out of date")
    assert summary.detail == "3 out of date" and summary.current == ()


def test_a_planned_check_without_a_result_has_not_run():
    summary = summarise_step(["a", "b", "c", "d"], PASSED)
    assert summary.status == Status.NOT_RUN.value
    assert summary.headline == "Not every check ran (3 of 4 checks passed)" and "1 not run" in summary.detail


def test_results_of_checks_no_longer_planned_do_not_count():
    summary = summarise_step(["a"], {**PASSED, "old": result("old", Status.FAIL)})
    assert summary.status == "pass" and summary.planned == 1


def test_failures_headline_counts_root_causes_and_the_detail_every_status():
    results = {"a": result("a", Status.FAIL), "b": result("b", Status.BLOCKED, ("a",)), "c": result("c", Status.ERROR)}
    summary = summarise_step(["a", "b", "c"], results)
    assert summary.status == "fail" and summary.causes == 2
    assert summary.headline == "Not ready: 2 problems found in 3 checks"
    assert summary.detail == "1 failed · 1 could not check · 1 not checked: blocked by a problem"


def test_running_counts_only_what_this_run_reported():
    summary = summarise_step(["a", "b", "c"], PASSED, running=True, done={"a"})
    assert summary.status == RUNNING and summary.headline == "Checking… 1 of 3 checks done"


def test_nothing_yet_is_pending_and_nothing_planned_is_skipped():
    assert summarise_step(["a"], {}).status == PENDING
    assert summarise_step([], {}).status == Status.SKIP.value


def test_counts_read_as_words_not_as_check_s():
    from wizard.words import counted

    assert (counted(1, "check"), counted(0, "check"), counted(2, "problem")) == ("1 check", "0 checks", "2 problems")
    one = summarise_step(["a"], {"a": result("a", Status.PASS)})
    assert one.headline == "Ready: the check passed"
    failed = summarise_step(["a", "b"], {"a": result("a", Status.FAIL), "b": result("b", Status.PASS)})
    assert failed.headline == "Not ready: 1 problem found in 2 checks"


def test_a_step_whose_checks_another_steps_problem_blocked_shows_blocked_not_skipped():
    results = {"a": result("a", Status.PASS), "b": result("b", Status.BLOCKED, ("elsewhere",))}
    summary = summarise_step(["a", "b"], results)
    assert summary.status == Status.BLOCKED.value and summary.headline == "Not every check ran (1 of 2 checks passed)"
    results["c"] = result("c", Status.NOT_RUN)
    assert summarise_step(["a", "b", "c"], results).status == Status.NOT_RUN.value


def test_the_cli_summary_counts_in_words_too():
    from wizard.probes.summary import headline

    assert headline([result("a", Status.PASS)]).startswith("1 check, 1 passed")
