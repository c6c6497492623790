"""Every rule, every branch, judged in process: the rule functions themselves on the case table.

Fast, and traceable by mutation testing (the pack runs in its own process, which a mutation tool
cannot follow). `test_rules.py` sends the same table through the analyzer protocol.
"""

from __future__ import annotations

from collections import Counter

import pytest

from dmesh.governance.config import load_platform_config
from dmesh.governance.rulebook import RULES
from rulecases import CASES, LEVELS, judge

PLATFORM = load_platform_config()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}:{c.id}")
def test_rule_answers_exactly(case):
    assert sorted(judge(case)) == sorted(case.expected)


def test_every_rule_has_violating_and_compliant_cases():
    kinds = Counter((c.rule, bool(c.expected)) for c in CASES)
    for rule in RULES:
        assert kinds[(rule.name, True)] >= 2, f"{rule.name}: fewer than two violating cases"
        assert kinds[(rule.name, False)] >= 1, f"{rule.name}: no compliant case"


def test_case_ids_are_unique():
    ids = Counter((c.rule, c.id) for c in CASES)
    assert [key for key, count in ids.items() if count > 1] == []


def test_rule_book_levels_are_the_promised_ones():
    assert {rule.name: rule.level for rule in RULES} == LEVELS


def test_platform_config_keeps_the_promised_levels():
    assert {name: entry["enforcementLevel"] for name, entry in PLATFORM.items()} == LEVELS
