"""The `dmesh` executable starts a review's forking worker before the command line loads, and only for a review."""

from __future__ import annotations

import json
import os
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


# The process ends without the interpreter's teardown (`entry.leave`), and nothing else of an exit is lost.
ENDING = """
import atexit, sys, threading, time
from pathlib import Path
from dmesh.entry import leave

out = Path(sys.argv[1])
atexit.register(lambda: (out / "atexit").write_text("ran"))
print("x" * 100, end="", file=sys.stderr)  # both streams are buffered when they are pipes or files
for _ in range(50_000):  # small writes: the last of them are still in the buffer at the end
    print("line")
if sys.argv[3] == "closed":  # the reader went away (`dmesh catalog list | head`): what is still buffered cannot go out
    class Closed:
        def flush(self): raise BrokenPipeError(32, "Broken pipe")
    sys.stdout = Closed()
if sys.argv[3] == "thread":  # a thread the interpreter waits for: it finishes before the process ends
    threading.Thread(target=lambda: (time.sleep(0.3), (out / "thread").write_text("done"))).start()
code = sys.argv[2]
leave(None if code == "none" else int(code) if code.lstrip("-").isdigit() else code)
"""


def _ended(tmp_path, code: str, thread: str = "", **streams) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered streams, as most users have them
    return subprocess.run([sys.executable, "-c", ENDING, str(tmp_path), code, thread], cwd=REPO, env=env, timeout=60, **streams)


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("none", 0), ("1", 1), ("2", 2), ("-1", 255), ("256", 0)])
def test_the_process_ends_with_the_status_sys_exit_would_give_its_output_whole_and_its_exit_handlers_run(tmp_path, code, status):
    ended = _ended(tmp_path, code, capture_output=True, text=True)
    assert (ended.returncode, ended.stdout, ended.stderr) == (status, "line\n" * 50_000, "x" * 100)
    assert (tmp_path / "atexit").read_text() == "ran"


def test_a_message_as_the_code_is_printed_and_the_status_is_1(tmp_path):
    ended = _ended(tmp_path, "it failed", capture_output=True, text=True)
    assert (ended.returncode, ended.stderr) == (1, "x" * 100 + "it failed\n")


def test_a_running_thread_is_waited_for_as_the_usual_exit_does(tmp_path):
    ended = _ended(tmp_path, "3", "thread", capture_output=True, text=True)
    assert ended.returncode == 3
    assert (tmp_path / "thread").read_text() == "done"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_output_that_cannot_be_written_ends_with_status_120_as_python_says(tmp_path):
    ended = _ended(tmp_path, "0", "closed", capture_output=True, text=True)
    assert (ended.returncode, ended.stderr) == (120, "x" * 100)
    assert (tmp_path / "atexit").read_text() == "ran"


@pytest.mark.parametrize(("args", "status", "says"), [(["validate", str(REPO / "domain_stacks" / "sales")], 0, "valid"),
                                                      (["validate", "/no/such/folder"], 2, "no such path"), (["no-such-verb"], 2, "No such command")],
                         ids=["success", "usage-error", "click-usage-error"])
def test_python_m_dmesh_ends_with_the_commands_status_and_output(args, status, says):
    ended = subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert ended.returncode == status
    assert says in ended.stdout + ended.stderr


def test_the_review_s_first_process_starts_before_anything_heavy_is_imported():
    """Its imports are most of a one-domain review's wall: nothing but the standard library's light modules comes first."""
    probe = """
import subprocess, sys
heavy = ("dataclasses", "blueprints.spec", "components.testing.registration", "dmesh.cli", "typer", "pydantic", "pulumi")
seen = []
start = subprocess.Popen.__init__
def spying(self, *args, **kwargs):
    seen.append(sorted(m for m in heavy if m in sys.modules))
    start(self, *args, **kwargs)
subprocess.Popen.__init__ = spying
from dmesh.entry import early_workers
workers = early_workers(["preview", "domain_stacks/sales"])
workers.stop()
print(seen[0])
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr
