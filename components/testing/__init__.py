"""Pulumi's unit-test path for the mesh's programs: run them under mocks and keep every registration.

Used by `dmesh preview` (one program per worker process), the component tests, the emulator harness
and the benchmarks. `MeshMocks` answers with realistic ids and ARNs so every `apply` runs. The exports load on
first use (PEP 562), so `Registration` alone costs no SDK import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .recording import Captured, capture, capture_program, run_project
    from .mocks import DEFAULT_ACCOUNT, DEFAULT_REGION, MeshMocks
    from .registration import Registration

_HOMES = {"Captured": "recording", "capture": "recording", "capture_program": "recording", "run_project": "recording", "DEFAULT_ACCOUNT": "mocks",
          "DEFAULT_REGION": "mocks", "MeshMocks": "mocks", "Registration": "registration"}
__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_REGION", "Captured", "MeshMocks", "Registration", "capture", "capture_program", "run_project"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module 'components.testing' has no attribute {name!r}")
