"""Collected-data rules are declared once (id, phase, title): the list and its ids are read from them,
and a bug in one rule is a defect result with its traceback in the log, never a crash of the analysis."""

from __future__ import annotations

import json
import logging

import pytest

from inside import samples
from wizard.inside.collected import combine, parse_collected
from wizard.inside.published import PublishedKeys
from wizard.inside.rules import DECLARED, RULE_IDS, RULES, DeclaredRule, RuleContext, RuleSpec, run_rules
from wizard.probes.result import Cause, Status
from wizard.topology import Phase

NOW = samples.FIXED_NOW


def healthy_data():
    return combine(parse_collected(json.dumps(doc).encode(), source=name) for name, doc in samples.healthy().items())


def test_rule_ids_come_from_the_declarations_and_are_unique():
    assert tuple(d.spec.id for d in RULES) == RULE_IDS
    assert len(set(RULE_IDS)) == len(RULE_IDS) == len(DECLARED)
    assert [d.spec.phase for d in RULES] == sorted((d.spec.phase for d in RULES), key=list(Phase).index)


def test_a_rule_that_raises_is_a_defect_and_the_others_still_run(caplog):
    def broken(ctx: RuleContext, spec: RuleSpec):
        raise KeyError("no such field")

    bad = DeclaredRule(RuleSpec("broken", Phase.CERTIFICATES, "A broken rule"), broken)
    data = healthy_data()
    ctx = RuleContext(data, samples.scenario("hybrid"), NOW, PublishedKeys())
    with caplog.at_level(logging.ERROR):
        results = run_rules(ctx, (bad, *RULES))
    first = results[0]
    assert first.id == "inside.broken" and first.status is Status.ERROR and first.cause is Cause.DEFECT
    assert "defect in the wizard" in first.detail and "KeyError" in first.detail
    assert "KeyError" in caplog.text  # the traceback went to the log
    assert len(results) > 1 and results[1].id != "inside.broken"  # the other rules still ran


@pytest.mark.parametrize("declared", RULES, ids=lambda d: d.spec.id)
def test_each_rule_returns_only_its_own_id(declared):
    data = healthy_data()
    results = declared(RuleContext(data, samples.scenario("hybrid"), NOW, PublishedKeys()))
    assert {r.id for r in results} <= {declared.spec.id}
