"""The exit codes of the deploy verbs, as the rest of `dmesh` uses them: 1 a failed operation or a
violation, 2 invalid input (a bad value, a missing setting, no Pulumi CLI)."""

from __future__ import annotations

FAILED = 1
INVALID = 2


class DeployError(Exception):
    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code
