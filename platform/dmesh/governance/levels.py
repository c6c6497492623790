"""Enforcement levels: the one vocabulary the rule book, the platform config, the pack and the reports share.

`remediate` is refused everywhere: the platform's rules report, they never rewrite a resource, and a
level the pack cannot honour must not be accepted by the config and silently become another.
"""

from __future__ import annotations

from typing import Literal, get_args

Level = Literal["advisory", "mandatory", "disabled"]
LEVELS: tuple[Level, ...] = get_args(Level)
