"""Whether this process may fork workers: one place for the rule every forking part of dmesh follows."""

from __future__ import annotations

import os
import sys
import threading

SWITCH = "DMESH_FORK_WORKERS"  # 0: never fork (fresh interpreters for the review's programs, one core for validation)


def forking_available() -> bool:
    """Linux (fork is the platform's default and safe with the libraries loaded here), unless switched off."""
    return sys.platform.startswith("linux") and os.environ.get(SWITCH, "1") != "0"


def forking_safe() -> bool:
    """Forking available, and no other thread whose locks a child would inherit held (`dmesh preview` has its workers'
    reader threads by the time it validates: it forks its worker processes instead)."""
    return forking_available() and threading.active_count() == 1
