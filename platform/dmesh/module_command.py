"""Starting a Python module in a process of its own, with the current folder kept off its import path.

`python -m NAME` puts the folder it runs from first on `sys.path`, ahead of PYTHONPATH and the virtualenv: a folder
or file there named like the module, or like anything it imports (a repository's `components/`, a `venv/`, a
`moto.py`), runs instead of it. Python 3.11's `-P` leaves that folder out. Every module the platform starts in a
process of its own starts through here: the review's workers, the emulators, the installers of LocalStack's venv.
"""

from __future__ import annotations

from pathlib import Path

SAFE_PATH = "-P"


def module_command(python: str | Path, module: str, *args: str) -> list[str]:
    return [str(python), SAFE_PATH, "-m", module, *args]


def runs_module(command: list[str], module: str) -> bool:
    """Whether a process's command line (as /proc/PID/cmdline gives it) runs `module` as `module_command` starts it,
    or as releases before it did (without -P): an emulator started before an upgrade is still known, and stopped."""
    rest = command[2:] if command[1:2] == [SAFE_PATH] else command[1:]
    return rest[:2] == ["-m", module]
