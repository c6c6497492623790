"""The forking worker: children start with what it loaded, including specs the review writes after it started."""

from __future__ import annotations

import gc
import io
import json
import os
import sys

import pytest

from blueprints import handoff
from dmesh.review import zygote as zygote_module
from dmesh.review.workers import Zygote

PROGRAM = """
import gc, json, os, sys
from blueprints import handoff
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump({"inherited": handoff._entries.cache_info().currsize, "preloaded": "pulumi_kubernetes.core.v1" in sys.modules
               and type(sys.modules["pulumi_kubernetes.core.v1"]).__name__ != "_LazyModule",
               "collector": gc.isenabled(), "frozen": gc.get_freeze_count() > 10000}, out)
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
    # a program runs with the collector on, what the worker loaded frozen out of its reach
    assert json.loads(probe.read_text()) == {"inherited": 1, "preloaded": True, "collector": True, "frozen": True}


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


@pytest.fixture
def frozen_heap_restored():
    yield
    gc.unfreeze()
    gc.enable()


def test_a_role_loads_with_the_collector_off_and_its_requests_run_with_it_on(monkeypatch, frozen_heap_restored):
    """The SDKs' imports build tens of thousands of objects that live as long as the process: walking them again and
    again while they load is what the collector would cost, and the first program waits for the load."""
    seen = {}

    def load():
        seen["while loading"] = gc.isenabled()

        def handle(request):
            seen["while handling"] = gc.isenabled()
            seen["loaded objects frozen"] = gc.get_freeze_count() > 0
            return 0

        return handle, lambda: None

    monkeypatch.setitem(zygote_module.ROLES, "probe", load)
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"id": "one"}) + "\n"))
    protocol = io.StringIO()
    zygote_module.serve("probe", fork=False, protocol=protocol)
    assert seen == {"while loading": False, "while handling": True, "loaded objects frozen": True}
    assert json.loads(protocol.getvalue()) == {"id": "one", "code": 0}


def test_a_role_that_fails_to_load_leaves_the_collector_on(monkeypatch, frozen_heap_restored):
    def load():
        raise ImportError("no such SDK")

    monkeypatch.setitem(zygote_module.ROLES, "probe", load)
    with pytest.raises(ImportError):
        zygote_module.serve("probe", fork=False, protocol=io.StringIO())
    assert gc.isenabled()
