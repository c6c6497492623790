"""The fleet view: which preset each domain is on, what is newer, what is deprecated (a warning, never an error)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blueprints import load_mesh, load_presets
from blueprints.presets import PRESETS_DIR
from dmesh.fleet import fleet_status, latest_versions, summary
from meshtest import EXAMPLE_MESH, REPO


@pytest.fixture
def presets(tmp_path) -> dict:
    """The shipped presets plus a batch@2, with batch@1 deprecated."""
    folder = tmp_path / "presets"
    shutil.copytree(PRESETS_DIR, folder)
    batch = (folder / "batch@1.yaml").read_text()
    (folder / "batch@2.yaml").write_text(batch.replace("version: 1", "version: 2"))
    (folder / "batch@1.yaml").write_text(batch + "deprecated: {message: move to batch@2 (intelligent tiering), date: '2027-06-30'}\n")
    return load_presets(folder)


def test_each_domain_with_its_preset_and_the_newest_major(presets):
    rows = fleet_status(load_mesh(EXAMPLE_MESH, {}).domains, presets)
    assert [(r.domain, r.preset, r.latest, r.behind, r.deprecated) for r in rows] == [
        ("marketing", "streaming@1", "streaming@1", False, None),
        ("ml-features", "ml-features@1", "ml-features@1", False, None),
        ("sales", "batch@1", "batch@2", True, "move to batch@2 (intelligent tiering) (until 2027-06-30)"),
    ]
    assert summary(rows) == {"batch@1": 1, "ml-features@1": 1, "streaming@1": 1}
    assert latest_versions(presets)["batch"] == "batch@2"


@pytest.mark.parametrize("cached", [False, True], ids=["loaded", "from-the-spec-cache"])
def test_a_deprecated_preset_warns_in_validate_without_failing(monkeypatch, tmp_path, presets, cached):
    """The note travels with the domain's spec, so a validation served from the cache warns without reading a preset."""
    from dmesh.cli import _deprecation_warnings
    from dmesh.validation import resolve_target

    monkeypatch.setenv("DMESH_CACHE_DIR", str(tmp_path / "cache"))
    mesh = load_mesh(EXAMPLE_MESH, {}, presets)
    if cached:
        monkeypatch.setattr("blueprints.loader.load_domain", lambda *a, **k: pytest.fail("not served from the cache"))
        mesh = load_mesh(EXAMPLE_MESH, {}, presets)
    [warning] = _deprecation_warnings(mesh, resolve_target(EXAMPLE_MESH))
    sales = EXAMPLE_MESH / "sales" / "domain.yaml"
    assert (warning.file, warning.field) == (sales.resolve(), "spec.blueprint")
    assert warning.message == "preset batch@1 is deprecated: move to batch@2 (intelligent tiering) (until 2027-06-30)"
    assert _deprecation_warnings(mesh, resolve_target(EXAMPLE_MESH / "marketing")) == []


def test_status_command_on_the_example_mesh():
    result = subprocess.run([sys.executable, "-m", "dmesh", "upgrade", "status", "domain_stacks", "--format", "json"],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"] == {"batch@1": 1, "ml-features@1": 1, "streaming@1": 1}
    assert {d["domain"]: (d["latest"], d["behind"]) for d in report["domains"]} == {
        "marketing": ("streaming@1", False), "ml-features": ("ml-features@1", False), "sales": ("batch@2", True)}
    assert all(d["deprecated"] is None for d in report["domains"])
    assert json.loads(subprocess.run([sys.executable, "-m", "dmesh", "validate", "domain_stacks", "--format", "json"],
                                     capture_output=True, text=True, cwd=REPO).stdout)["warnings"] == []


def test_status_of_a_folder_without_domains_is_a_usage_error(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "dmesh", "upgrade", "status", str(tmp_path)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2 and "holds no domain" in result.stderr and "Traceback" not in result.stderr
