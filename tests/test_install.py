"""The platform works installed, not only from its checkout: package data is found as package data.

The project is built into a wheel and installed (not editable) into a fresh virtual environment; its
dependencies come from this checkout's environment through a path file, so the test stays fast while
nothing of the checkout itself (sources, templates, presets, the policy pack) is importable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from meshtest import EXAMPLE_MESH, REPO

SKIP = shutil.ignore_patterns(".git", ".venv", ".localstack-venv", ".mutation", "__pycache__", ".pytest_cache", ".hypothesis", "build",
                              "*.egg-info", "localstack.log", ".state")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the platform installed from a wheel."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=SKIP)
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, text=True, timeout=300)
    target = work / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # the dependencies (pulumi, providers, ...) from this environment; not its editable install of the platform
    Path(site, "dmesh-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    [wheel] = wheels.glob("*.whl")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True,
                   text=True, timeout=300)
    return target / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(bin_dir / "dmesh"), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_installed_platform_validates_onboards_and_previews(installed, tmp_path):
    mesh = tmp_path / "mesh"
    shutil.copytree(EXAMPLE_MESH, mesh)
    where = subprocess.run([str(installed / "python"), "-c", "import blueprints, components, dmesh; print(dmesh.__file__, blueprints.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path).stdout
    assert str(REPO) not in where and "site-packages" in where, where

    validated = run(installed, "validate", str(mesh), cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr

    onboarded = run(installed, "init", "finance", "--owner", "finance-data@acme.example", "--cost-center", "CC-5001", "--product", "ledger",
                    "--mesh-root", str(mesh), "--no-input", cwd=tmp_path)
    assert onboarded.returncode == 0, onboarded.stderr
    assert (mesh / "finance" / "contracts" / "ledger.odcs.yaml").is_file()

    previewed = run(installed, "preview", str(mesh), "--format", "json", cwd=tmp_path)
    assert previewed.returncode == 0, previewed.stderr
    report = json.loads(previewed.stdout)
    assert report["errors"] == [] and report["violations"] == []
    assert report["summary"]["domains"] == 4 and {r["domain"] for r in report["resources"]} == {"sales", "marketing", "ml-features", "finance"}
