"""Every attempt of the bypass corpus is caught as mandatory, on the resource it targets, by the rule that owns it."""

from __future__ import annotations

import pytest

from bypasses import ATTEMPTS
from dmesh.governance.config import load_platform_config
from rulecases import LEVELS, Case, judge


def _ids(attempt):
    return attempt.id


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
def test_caught_in_process(attempt):
    found = judge(Case(attempt.rule, attempt.id, attempt.resources, []))
    assert any(name == attempt.target for name, _ in found), found
    assert LEVELS[attempt.rule] == "mandatory"


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=_ids)
def test_caught_through_the_pack(pack, attempt):
    pack.configure(load_platform_config())
    names = {r.urn: r.name for r in attempt.resources}
    diagnostics = [d for r in attempt.resources for d in pack.analyze(r)] + pack.analyze_stack(attempt.resources)
    caught = [d for d in diagnostics if d.policy == attempt.rule and names.get(d.urn) == attempt.target]
    assert caught and {d.enforcement for d in caught} == {"mandatory"}, [(d.policy, d.message) for d in diagnostics]


def test_corpus_ids_are_unique():
    assert len({a.id for a in ATTEMPTS}) == len(ATTEMPTS)
