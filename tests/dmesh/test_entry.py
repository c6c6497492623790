"""The `dmesh` executable starts a review's forking worker before the command line loads, and only for a review."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from meshtest import REPO

SPY = """
import json, sys
from dmesh.review.workers import Workers
calls = []
start = Workers.for_review.__func__

def spying(cls):
    calls.append("dmesh.cli" in sys.modules)
    return start(cls)

Workers.for_review = classmethod(spying)
from dmesh import entry

try:
    entry.main(sys.argv[1:])
except SystemExit as exit:
    print(json.dumps({"code": exit.code, "starts": calls}))
"""


def _spied(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", SPY, *args], capture_output=True, text=True, cwd=REPO, timeout=300)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_review_starts_its_forking_worker_before_the_command_line_is_loaded():
    assert _spied("preview", str(REPO / "domain_stacks" / "sales"), "--format", "json") == {"code": 0, "starts": [False]}


@pytest.mark.parametrize("args", [["preview", "--help"], ["preview", "-h"], ["validate", str(REPO / "domain_stacks" / "sales")],
                                  ["--help"], [], ["previews"]],
                         ids=["preview-help", "preview-short-help", "another-verb", "help", "nothing", "a-verb-starting-alike"])
def test_no_worker_starts_for_anything_but_a_review(args):
    assert _spied(*args)["starts"] == []
