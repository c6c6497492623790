"""Shared fixtures: a private copy of the example mesh, and helpers to edit it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from meshtest import EXAMPLE_MESH


@pytest.fixture
def mesh(tmp_path: Path) -> Path:
    """A writable copy of the example mesh (domain_stacks/)."""
    target = tmp_path / "mesh"
    shutil.copytree(EXAMPLE_MESH, target)
    return target


Edit = Callable[[str, str, str], Path]


@pytest.fixture
def edit(mesh: Path) -> Edit:
    """Replace `old` by `new` in a file of the mesh copy, insisting that `old` is there."""

    def _edit(relative: str, old: str, new: str) -> Path:
        file = mesh / relative
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        return file

    return _edit



def pytest_configure(config: pytest.Config) -> None:
    """The suite's spec cache (blueprints/spec_cache.py) is its own, never the user's ~/.cache: every `dmesh` the tests
    start inherits it."""
    import os
    import tempfile

    os.environ["DMESH_CACHE_DIR"] = tempfile.mkdtemp(prefix="dmesh-test-cache-")
