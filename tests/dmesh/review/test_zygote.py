"""The forking worker: children start with what it loaded, including specs the review writes after it started."""

from __future__ import annotations

import gc
import io
import json
import os
import time
from pathlib import Path

import pytest

from blueprints import handoff
from dmesh.review import zygote as zygote_module
from dmesh.review.program import Project
from dmesh.review.workers import ForkedServer, Zygote

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
    protocol = io.StringIO()
    zygote_module.serve("probe", fork=False, requests=io.StringIO(json.dumps({"id": "one"}) + "\n"), protocol=protocol)
    assert seen == {"while loading": False, "while handling": True, "loaded objects frozen": True}
    assert json.loads(protocol.getvalue()) == {"id": "one", "code": 0}


def test_a_role_that_fails_to_load_leaves_the_collector_on(monkeypatch, frozen_heap_restored):
    def load():
        raise ImportError("no such SDK")

    monkeypatch.setitem(zygote_module.ROLES, "probe", load)
    with pytest.raises(ImportError):
        zygote_module.serve("probe", fork=False, requests=io.StringIO(), protocol=io.StringIO())
    assert gc.isenabled()


def _parent_of(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])


def _gone(pid: int, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def _missing_registrations(tmp_path: Path, name: str) -> dict:
    return {"registrations": str(tmp_path / "nothing.json"), "policy_config": {}, "project": "p", "stack": "dev", "stack_config": {},
            "output": str(tmp_path / f"{name}.json")}


def test_the_programs_process_forks_the_judge_which_serves_over_the_socket_handed_over(tmp_path):
    """The judge starts from what the programs' process loaded (the SDKs, gRPC, the AWS classes) and loads only the pack."""
    zygote = Zygote(dict(os.environ), serves=True)
    try:
        judge = zygote.fork_server("judge")
        assert isinstance(judge, ForkedServer)
        assert judge.run(_missing_registrations(tmp_path, "first"), timeout=120) == 70  # inline: the failure is the request's
        assert "FileNotFoundError" in (tmp_path / "first.json.log").read_text()
        assert judge.alive and judge.pid is not None and _parent_of(judge.pid) == zygote.pid
        assert zygote.fork_server("judge") is None  # one socket, one server
        pid = judge.pid
    finally:
        judge.stop()
        zygote.stop()
    assert _gone(pid)


def test_a_forked_judge_ends_with_the_process_that_forked_it(tmp_path):
    zygote = Zygote(dict(os.environ), serves=True)
    judge = zygote.fork_server("judge")
    try:
        assert judge.run(_missing_registrations(tmp_path, "first"), timeout=120) == 70
        pid = judge.pid
        zygote.stop()
        assert _gone(pid)
        assert judge.run(_missing_registrations(tmp_path, "after"), timeout=5) is None
    finally:
        judge.stop()


def test_a_server_of_no_known_role_ends_its_channel_instead_of_leaving_it_waiting(tmp_path):
    zygote = Zygote(dict(os.environ), serves=True)
    try:
        server = zygote.fork_server("no-such-role")
        assert server.run(_missing_registrations(tmp_path, "first"), timeout=120) is None
        assert not server.alive and zygote.alive
    finally:
        zygote.stop()


def test_a_process_that_serves_nothing_forks_no_server():
    zygote = Zygote(dict(os.environ))
    try:
        assert zygote.fork_server("judge") is None
    finally:
        zygote.stop()


def test_a_program_handed_its_project_runs_it_as_handed_without_reading_the_project_files(tmp_path):
    """The review read Pulumi.yaml and the stack file already (`load_project`); the forked program gets that reading."""
    project = tmp_path / "probe"
    project.mkdir()  # no Pulumi.yaml at all: nothing here is read
    (project / "__main__.py").write_text("import os, pulumi\nopen(os.environ['PROBE_OUT'], 'w').write(pulumi.Config('probe').get('value'))\n")
    probe = tmp_path / "probe.txt"
    handed = Project(project, "probe", "dev", {"probe:value": "as handed"}, project)
    zygote = Zygote({**os.environ, "PROBE_OUT": str(probe)})
    try:
        code = zygote.run({"folder": str(project), "stack": "dev", "output": str(tmp_path / "result.json"), "project": handed.as_request()},
                          timeout=120)
    finally:
        zygote.stop()
    assert code == 0, (tmp_path / "result.json.log").read_text()
    assert probe.read_text() == "as handed"


@pytest.fixture
def sleeping_program(tmp_path) -> dict:
    project = tmp_path / "sleeper"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: sleeper\nruntime: python\n")
    (project / "__main__.py").write_text("import time\ntime.sleep(60)\n")
    return {"folder": str(project), "stack": "dev", "output": str(tmp_path / "sleeper.json"), "id": "sleeper"}


def _running(zygote: Zygote, request: dict):
    done = zygote._send(request)
    deadline = time.monotonic() + 60
    while request["id"] not in zygote._pids and time.monotonic() < deadline:
        time.sleep(0.05)
    return done, zygote._pids[request["id"]]


def test_a_program_running_when_its_forking_worker_dies_does_not_keep_the_review_waiting(sleeping_program):
    """The program holds none of the pipes its parent answered on, so their end reaches the review at once."""
    zygote = Zygote(dict(os.environ))
    done, program = _running(zygote, sleeping_program)
    try:
        os.kill(zygote.pid, 9)  # the worker alone, its program still sleeping
        assert done.wait(20) and sleeping_program["id"] not in zygote._codes  # ended by the channel's end, not the program's
        assert not _gone(program, within=0.5)
    finally:
        os.kill(program, 9)
        zygote.stop()


def test_stopping_the_forking_worker_ends_a_program_whose_pid_the_review_has_not_read(sleeping_program):
    """A stop between a fork and the message naming the child: the worker's process group ends with it."""
    zygote = Zygote(dict(os.environ))
    _, program = _running(zygote, sleeping_program)
    with zygote._lock:
        del zygote._pids[sleeping_program["id"]]  # as if its pid were still on its way
    zygote.stop()
    assert _gone(program, within=10)
