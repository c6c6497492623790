"""How an emulator is started: ready, exited early, or never ready (then stopped), each told plainly."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from dmesh.local import LocalStackError, _launch


def test_a_ready_emulator_gives_its_pid_and_keeps_its_pid_file(tmp_path):
    pid_file = tmp_path / "e.pid"
    pid = _launch("emu", [sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "e.log", pid_file, lambda: True, 10,
                  lambda: None, lambda: "")
    try:
        assert pid_file.read_text() == str(pid)
    finally:
        os.killpg(pid, signal.SIGKILL)


def test_one_that_exits_first_is_an_error_naming_its_code_and_leaves_no_pid_file(tmp_path):
    pid_file = tmp_path / "e.pid"
    with pytest.raises(LocalStackError, match=r"^emu exited with code 3; see the log$"):
        _launch("emu", [sys.executable, "-c", "import sys; sys.exit(3)"], tmp_path / "e.log", pid_file, lambda: False, 10,
                lambda: None, lambda: "see the log")
    assert not pid_file.exists()


def test_one_never_ready_is_stopped_and_the_error_says_how_long_it_waited(tmp_path):
    pid_file, stopped = tmp_path / "e.pid", []

    def stop() -> None:
        stopped.append(int(pid_file.read_text()))
        os.killpg(stopped[0], signal.SIGKILL)

    with pytest.raises(LocalStackError, match=r"^emu did not become ready within 1 s; tail$"):
        _launch("emu", [sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "e.log", pid_file, lambda: False, 1, stop, lambda: "tail")
    assert len(stopped) == 1
