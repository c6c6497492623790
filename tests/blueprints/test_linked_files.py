"""A blueprint is a text file inside its domain folder: links out of the folder, and files that are no file, are
findings, never read (a domain.yaml linked to a CI runner's credentials would be parsed and quoted back)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from blueprints import BlueprintError, load_domain, load_presets
from meshtest import REPO

SECRET = "token-7f3a9c"


def _messages(folder: Path) -> list[str]:
    with pytest.raises(BlueprintError) as raised:
        load_domain(folder, load_presets())
    return [f"{f.file}:{f.line}: {f.message} ({f.hint})" for f in raised.value.findings]


def test_a_domain_yaml_linked_out_of_its_folder_is_refused_unread(mesh, tmp_path):
    outside = tmp_path / "credentials.yaml"
    outside.write_text(f"apiVersion: {SECRET}\nkind: {SECRET}\nmetadata: {{name: {SECRET}}}\nspec: {SECRET}\n")
    domain_file = mesh / "sales" / "domain.yaml"
    domain_file.unlink()
    domain_file.symlink_to(outside)
    [message] = _messages(mesh / "sales")
    assert "must live inside the domain folder" in message and SECRET not in message


def test_the_cli_quotes_nothing_of_a_linked_file(mesh, tmp_path):
    outside = tmp_path / "credentials.yaml"
    outside.write_text(f"apiVersion: {SECRET}\n")
    (mesh / "sales" / "domain.yaml").unlink()
    (mesh / "sales" / "domain.yaml").symlink_to(outside)
    result = subprocess.run([sys.executable, "-m", "dmesh", "validate", str(mesh)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 1 and "must live inside the domain folder" in result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_a_domain_yaml_linked_inside_its_folder_is_read(mesh):
    folder = mesh / "sales"
    (folder / "blueprint").mkdir()
    (folder / "domain.yaml").rename(folder / "blueprint" / "domain.yaml")
    (folder / "domain.yaml").symlink_to(Path("blueprint") / "domain.yaml")
    assert load_domain(folder, load_presets()).name == "sales"


def test_a_domain_yaml_linked_in_a_loop_is_a_finding(mesh):
    domain_file = mesh / "sales" / "domain.yaml"
    domain_file.unlink()
    domain_file.symlink_to("domain.yaml")
    [message] = _messages(mesh / "sales")
    assert "cannot be followed" in message


@pytest.mark.parametrize("which", ["domain.yaml", "contract"])
def test_a_pipe_is_not_read(mesh, which):
    """A pipe (or a device) would block the reader, or never end: it is refused before any read."""
    folder = mesh / "sales"
    target = folder / "domain.yaml" if which == "domain.yaml" else folder / "contracts" / "orders.odcs.yaml"
    target.unlink()
    os.mkfifo(target)
    messages = _messages(folder)
    assert any("not a regular file" in m for m in messages), messages
