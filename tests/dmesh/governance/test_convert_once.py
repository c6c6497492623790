"""The pack converts each resource's properties once per call, and answers exactly as without the memo.

`convert_once.install()` patches pulumi_policy in the process it runs in, so each check runs in a fresh interpreter:
one judging every rule case with the analyzer as pulumi_policy ships it, then with the memo, and comparing.
"""

from __future__ import annotations

import json
import subprocess
import sys

from meshtest import REPO

PROBE = """
import json, sys
from google.protobuf import json_format
from dmesh.governance import convert_once
from dmesh.governance.config import load_platform_config
from dmesh.governance.pack import analyzer_servicer
from dmesh.review.judge import InProcessAnalyzer
sys.path.append("tests")  # after dmesh is imported: tests/dmesh must not stand for it
from rulecases import CASES

calls = []
real = json_format.MessageToDict
json_format.MessageToDict = lambda message, *a, **k: (calls.append(1), real(message, *a, **k))[1]
platform = load_platform_config()

def judge_all():
    answers = []
    for case in CASES:
        config = {**platform, case.rule: {**platform[case.rule], **case.config}}
        analyzer = InProcessAnalyzer(analyzer_servicer(platform))
        answers.append([d.__dict__ for d in analyzer.judge(config, "p", "dev", {}, case.resources)])
    return answers

plain = judge_all()
plain_calls = len(calls)
convert_once.install()
convert_once.install()  # twice changes nothing
calls.clear()
memo = judge_all()
print(json.dumps({"same": plain == memo, "violations": sum(map(len, plain)), "plain_calls": plain_calls, "memo_calls": len(calls),
                  "resources": sum(len(c.resources) for c in CASES), "configured": len(CASES) * len(platform)}))
"""


def test_the_memo_answers_as_pulumi_policy_does_and_converts_once_per_call():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert found["same"] and found["violations"] > 100
    # without the memo every policy converts every resource; with it, each resource once per Analyze and once per
    # AnalyzeStack (Configure converts each rule's settings once, memo or not)
    assert found["memo_calls"] == 2 * found["resources"] + found["configured"]
    assert found["plain_calls"] - found["configured"] > 8 * 2 * found["resources"]
