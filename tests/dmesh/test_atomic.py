"""Replacing a user's file: all or nothing, with the permissions it had."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dmesh.atomic import replace_text


def _mode(file: Path) -> int:
    return stat.S_IMODE(file.stat().st_mode)


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o755])
def test_the_file_keeps_its_permissions_and_nothing_is_left_beside_it(tmp_path, mode):
    file = tmp_path / "domain.yaml"
    file.write_text("old\n")
    file.chmod(mode)
    replace_text(file, "new\r\nline\n")
    assert file.read_bytes() == b"new\r\nline\n"  # written as given: no newline translation
    assert _mode(file) == mode and [p.name for p in tmp_path.iterdir()] == ["domain.yaml"]


def test_a_new_file_is_private(tmp_path):
    replace_text(tmp_path / "Pulumi.local.yaml", "config: {}\n")
    assert _mode(tmp_path / "Pulumi.local.yaml") == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    file = tmp_path / "domain.yaml"
    file.write_text("old\n")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        replace_text(file, "new\n")
    assert file.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["domain.yaml"]
