"""Helpers the tests share (constants and small functions, no fixtures)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_MESH = REPO / "domain_stacks"
FIXTURE_PROJECTS = REPO / "tests" / "fixtures" / "projects"


def line_of(file: Path, needle: str) -> int:
    """1-based line of the first occurrence of `needle` (how tests say where an error must point)."""
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {file}")
