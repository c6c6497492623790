"""A module the platform starts in a process of its own is the installed one, whatever folder it starts from."""

from __future__ import annotations

import os
import subprocess
import sys

from dmesh.module_command import module_command, runs_module


def test_a_same_named_module_in_the_folder_it_starts_from_does_not_replace_it(tmp_path):
    real, here = tmp_path / "installed", tmp_path / "repository"
    for folder, says in ((real, "the installed module"), (here, "the folder's module")):
        (folder / "probe_module").mkdir(parents=True)
        (folder / "probe_module" / "__main__.py").write_text(f"print({says!r})\n")
    env = {**os.environ, "PYTHONPATH": str(real)}
    run = lambda command: subprocess.run(command, capture_output=True, text=True, cwd=here, env=env, check=True).stdout.strip()  # noqa: E731
    assert run(module_command(sys.executable, "probe_module")) == "the installed module"
    assert run([sys.executable, "-m", "probe_module"]) == "the folder's module"  # what `python -m` alone runs


def test_a_process_running_a_module_is_known_with_or_without_the_safe_path():
    """An emulator an earlier release started (without -P) is still recognised, so `dmesh local stop` still stops it."""
    assert runs_module(module_command("/venv/bin/python", "moto.server", "-p", "5000"), "moto.server")
    assert runs_module(["/venv/bin/python", "-m", "moto.server", "-p", "5000"], "moto.server")
    assert not runs_module(["/venv/bin/python", "-m", "moto.serverx"], "moto.server")
    assert not runs_module(["/venv/bin/python", "/tmp/moto.server"], "moto.server")
    assert not runs_module(["/venv/bin/python"], "moto.server") and not runs_module([], "moto.server")
