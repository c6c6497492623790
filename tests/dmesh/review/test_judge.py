"""The review's judge is the policy pack itself: its analyzer, asked in process, answers exactly as the served pack.

`dmesh preview` hands the engine's messages to the analyzer pulumi_policy builds for the pack, without the gRPC hop
(`dmesh.review.judge`). Every rule case, every example and fixture program, is judged both ways here: the served pack
(a real process over gRPC, as `pulumi preview --policy-pack` runs it) and the in-process analyzer must give the same
diagnostics in the same order.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from dmesh.governance.config import effective_config, load_platform_config
from dmesh.review import judge
from dmesh.review.project import load_project
from dmesh.review.workers import Judging, Workers
from meshtest import FIXTURE_PROJECTS, REPO
from rulecases import CASES, Case

PLATFORM = load_platform_config()
PROGRAMS = [REPO / "domain_stacks" / d for d in ("sales", "marketing", "ml-features")] + sorted(
    p for p in FIXTURE_PROJECTS.iterdir() if (p / "Pulumi.yaml").is_file())


def _config(case: Case) -> dict:
    return {**PLATFORM, case.rule: {**PLATFORM[case.rule], **case.config}}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}:{c.id}")
def test_every_rule_case_is_judged_alike(pack, case):
    served = pack.judge(_config(case), "p", "dev", {}, case.resources)
    assert judge.analyzer().judge(_config(case), "p", "dev", {}, case.resources) == served


@pytest.fixture(scope="module")
def program_runs():
    workers = Workers(fork=False)
    try:
        return [(folder, load_project(folder, "dev"), workers.run(folder, "dev")) for folder in PROGRAMS]
    finally:
        workers.stop()


def test_every_example_and_fixture_program_is_judged_alike(pack, program_runs):
    judged = 0
    for folder, project, (registrations, error, _) in program_runs:
        if error:
            continue
        config = effective_config(PLATFORM, ())
        served = pack.judge(config, project.name, "dev", project.config, registrations)
        assert judge.analyzer().judge(config, project.name, "dev", project.config, registrations) == served, folder
        judged += bool(served)
    assert judged >= 3  # the fixtures break rules: the comparison covers diagnostics, not only silence


def test_the_review_judges_through_its_judging_process(tmp_path):
    """End to end through the process the review starts, with programs forked and in fresh workers: the pack's diagnostics."""
    folder = FIXTURE_PROJECTS / sorted(p.name for p in FIXTURE_PROJECTS.iterdir() if (p / "Pulumi.yaml").is_file())[0]
    project = load_project(folder, "dev")
    for fork in (True, False):
        workers = Workers(fork=fork, judge=True)
        try:
            registrations, error, _, diagnostics = workers.review(folder, "dev", Judging(effective_config(PLATFORM, ()), project.name, "dev", project.config))
        finally:
            workers.stop()
        assert error is None
        assert diagnostics == judge.analyzer().judge(effective_config(PLATFORM, ()), project.name, "dev", project.config, registrations)
        assert diagnostics, "the fixture breaks a rule"


def test_a_rule_that_crashes_is_the_programs_error_not_a_silent_pass(tmp_path, monkeypatch):
    results = tmp_path / "result.json"
    results.write_text(json.dumps({"registrations": [r.as_dict() for r in CASES[0].resources], "error": None}))
    monkeypatch.setattr(judge.InProcessAnalyzer, "analyze", lambda self, reg: 1 / 0)
    code = judge.main({"registrations": str(results), "output": str(tmp_path / "out.json"), "policy_config": PLATFORM,
                       "project": "p", "stack": "dev", "stack_config": {}})
    answer = json.loads((tmp_path / "out.json").read_text())
    assert code == 3 and answer["diagnostics"] == [] and "ZeroDivisionError" in answer["error"]


def _pid_of(process, within: float = 60) -> int:
    deadline = time.monotonic() + within  # a judge forked from the programs' process is known once that has loaded
    while process.pid is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.pid is not None
    return process.pid


def test_a_judging_process_that_dies_is_the_programs_error(tmp_path):
    folder = REPO / "domain_stacks" / "sales"
    project = load_project(folder, "dev")
    workers = Workers(fork=True, judge=True)
    workers.start()
    try:
        os.kill(_pid_of(workers._judge), 9)
        _, error, _, diagnostics = workers.review(folder, "dev", Judging(effective_config(PLATFORM, ()), project.name, "dev", project.config))
    finally:
        workers.stop()
    assert diagnostics == [] and error == "the policy pack process ended unexpectedly"
