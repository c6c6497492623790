"""Pulumi's unit-test path for the mesh's programs: run them under mocks and keep every registration.

Used by `dmesh preview` (one program per worker process), the component tests, the emulator harness
and the benchmarks. `MeshMocks` answers with realistic ids and ARNs so every `apply` runs.
"""

from .capture import Captured, Registration, capture, capture_program, run_project
from .mocks import DEFAULT_ACCOUNT, DEFAULT_REGION, MeshMocks

__all__ = ["DEFAULT_ACCOUNT", "DEFAULT_REGION", "Captured", "MeshMocks", "Registration", "capture", "capture_program", "run_project"]
