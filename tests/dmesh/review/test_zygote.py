"""The forking worker: children start with what it loaded, including specs the review writes after it started."""

from __future__ import annotations

import json
import os

from blueprints import handoff
from dmesh.review.workers import Zygote

PROGRAM = """
import json, os, sys
from blueprints import handoff
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump({"inherited": handoff._entries.cache_info().currsize, "preloaded": "pulumi_kubernetes.core.v1" in sys.modules
               and type(sys.modules["pulumi_kubernetes.core.v1"]).__name__ != "_LazyModule"}, out)
"""


def test_children_inherit_the_specs_written_after_the_forking_worker_started(tmp_path):
    project = tmp_path / "probe"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: probe\nruntime: python\n")
    (project / "__main__.py").write_text(PROGRAM)
    specs = tmp_path / "specs.pickle"
    probe = tmp_path / "probe.json"
    zygote = Zygote({**os.environ, handoff.ENV: str(specs), "PROBE_OUT": str(probe)})
    try:
        handoff.write(specs, {})  # after the start, before the first request: as the review does
        code = zygote.run({"folder": str(project), "stack": "dev", "output": str(tmp_path / "result.json")}, timeout=120)
    finally:
        zygote.stop()
    assert code == 0, (tmp_path / "result.json.log").read_text()
    assert json.loads(probe.read_text()) == {"inherited": 1, "preloaded": True}


def test_a_request_that_fails_inline_leaves_its_traceback_and_the_process_serves_on(tmp_path):
    judge = Zygote(dict(os.environ), role="judge", fork=False)
    try:
        missing = {"registrations": str(tmp_path / "nothing.json"), "policy_config": {}, "project": "p", "stack": "dev", "stack_config": {}}
        code = judge.run({**missing, "output": str(tmp_path / "first.json")}, timeout=120)
        assert code == 70 and "FileNotFoundError" in (tmp_path / "first.json.log").read_text()
        assert judge.alive
        assert judge.run({**missing, "output": str(tmp_path / "second.json")}, timeout=120) == 70
    finally:
        judge.stop()
