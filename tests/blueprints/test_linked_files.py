"""A blueprint is a text file inside its domain folder: links out of the folder, and files that are no file, are
findings, never read (a domain.yaml linked to a CI runner's credentials would be parsed and quoted back)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blueprints import BlueprintError, domain_folders, load_domain, load_mesh, load_presets
from dmesh.governance.config import mesh_levels
from dmesh.validation import Target, resolve_target
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


@pytest.fixture
def linked_domain(mesh, tmp_path) -> Path:
    """A folder of the mesh root linking to a domain elsewhere on the machine, its blueprint and contract quoting a
    secret: what a pull request could add to reach a CI runner's other checkouts."""
    elsewhere = tmp_path / "runner" / "secret-domain"
    shutil.copytree(mesh / "sales", elsewhere)
    for file in (elsewhere / "domain.yaml", elsewhere / "contracts" / "orders.odcs.yaml"):
        file.write_text(file.read_text().replace("sales", "secret-domain").replace("description:", f"description: {SECRET}", 1))
    (mesh / "evil").symlink_to(elsewhere, target_is_directory=True)
    return mesh / "evil"


def test_a_domain_folder_linked_out_of_the_mesh_is_a_finding_and_never_read(mesh, linked_domain):
    loaded = load_mesh(mesh, mesh_levels())
    assert set(loaded.domains) == {"marketing", "ml-features", "sales"} and linked_domain not in domain_folders(mesh)
    [finding] = loaded.findings
    assert finding.file == linked_domain / "domain.yaml" and "links to" in finding.message and "out of the mesh" in finding.message
    assert SECRET not in finding.render()


@pytest.mark.parametrize("target", ["mesh", "domain"])
def test_the_cli_refuses_a_linked_domain_folder_and_quotes_nothing_of_it(mesh, linked_domain, target):
    """The whole mesh: a finding (exit 1). The link itself as the target: a usage error (exit 2), since its mesh would
    be wherever the link leads."""
    path = mesh if target == "mesh" else linked_domain
    result = subprocess.run([sys.executable, "-m", "dmesh", "validate", str(path)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == (1 if target == "mesh" else 2), result.stdout + result.stderr
    assert "links to" in result.stdout + result.stderr and SECRET not in result.stdout + result.stderr


def test_a_domain_folder_linked_inside_the_mesh_root_and_a_mesh_root_reached_through_a_link_still_load(mesh, tmp_path):
    (mesh / "ml-features").rename(mesh / ".ml-features-source")
    (mesh / "ml-features").symlink_to(".ml-features-source", target_is_directory=True)
    (tmp_path / "checkout").symlink_to(mesh, target_is_directory=True)
    for root in (mesh, tmp_path / "checkout"):
        assert "ml-features" in [f.name for f in domain_folders(root)]
        assert resolve_target(root / "sales") == Target(mesh.resolve(), (mesh / "sales").resolve())
