"""Judge one program's registrations with the policy pack's own analyzer, in a process that has it loaded.

The pack judged the review's programs over gRPC, as the engine does; the round trips (about 0.85 ms of CPU per
resource on both sides, against 0.35 ms for the policies) were a quarter of a large mesh's review. Here the
analyzer `pulumi_policy` builds for the pack (`governance.pack.analyzer_servicer`) gets the engine's messages
directly, each serialized and parsed as the wire would carry it. The review's judging process (`zygote.py`, role
`judge`, inline) loads it once and judges each program as soon as the program has run, beside the programs still
running, reconfigured per program as the pack process was. tests/dmesh/review/test_judge.py holds every answer to the served pack's.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from components.testing.registration import Registration

from .analyzer import Analyzer


class InProcessAnalyzer(Analyzer):
    def __init__(self, servicer: Any) -> None:
        self._servicer = servicer

    def _call(self, method: str, request: Any) -> Any:
        delivered = type(request).FromString(request.SerializeToString())  # what gRPC would hand the pack
        return getattr(self._servicer, method)(delivered, None)


@cache
def analyzer() -> InProcessAnalyzer:
    from ..governance.config import load_platform_config
    from ..governance.pack import analyzer_servicer, prepare_process

    prepare_process()
    return InProcessAnalyzer(analyzer_servicer(load_platform_config()))


def preload() -> None:
    analyzer()


def main(request: dict[str, Any]) -> int:
    """Judge the registrations of `request["registrations"]` (a worker's result file) under `request["policy_config"]`;
    the diagnostics, or the pack's failure, go to `request["output"]`."""
    result = json.loads(Path(request["registrations"]).read_text(encoding="utf-8"))
    registrations = [Registration.from_dict(r) for r in result["registrations"]]
    answer: dict[str, Any] = {"diagnostics": [], "error": None}
    try:
        diagnostics = analyzer().judge(request["policy_config"], request["project"], request["stack"], request["stack_config"], registrations)
        answer["diagnostics"] = [asdict(d) for d in diagnostics]
    except Exception as exc:  # noqa: BLE001 - a rule that crashes is the review's error for this program, as over gRPC
        answer["error"] = f"the policy pack failed on this program: {type(exc).__name__}: {exc}"
    Path(request["output"]).write_text(json.dumps(answer), encoding="utf-8")
    return 0 if answer["error"] is None else 3
