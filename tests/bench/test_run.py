"""The benchmark's floors measure what they say: bare SDK registration of the very resources a domain registered."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from components.providers import PROVIDER_MODULES
from components.testing import MeshMocks, run_project
from dmesh.review.project import load_project
from meshtest import REPO


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_same_resources_floor_registers_what_the_program_registered(tmp_path, monkeypatch):
    run_module, generate_module = _module("run"), _module("generate")
    [name] = generate_module.generate(tmp_path / "mesh", 1, 3, seed=5)
    monkeypatch.setenv("DMESH_CACHE", "0")
    project = load_project(tmp_path / "mesh" / name, "dev")
    registrations = run_project(project.main_dir, project=project.name, stack="dev", mocks=MeshMocks(), config=project.config)
    recorded = tmp_path / "registrations.json"
    recorded.write_text(json.dumps([r.as_dict() for r in registrations]), encoding="utf-8")
    received = tmp_path / "received.json"
    subprocess.run([sys.executable, "-c", run_module.SAME, ",".join(PROVIDER_MODULES), str(recorded), "0", str(received)], check=True, cwd=tmp_path)
    expected = sorted([r.type, r.name, sorted(r.inputs)] for r in registrations)
    assert json.loads(received.read_text()) == expected
    assert len(expected) > 3 * 10 and any(t.startswith("aws:") for t, _, _ in expected) and any(t.startswith("kubernetes:") for t, _, _ in expected)


def test_the_forked_floor_fails_when_a_domain_fails_to_register(tmp_path):
    run_module = _module("run")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"type": "aws:s3/bucketV2:BucketV2", "name": "b", "urn": "u", "parent": "", "custom": True,
                                   "protect": False, "provider": "", "dependencies": [], "inputs": None}]), encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", run_module.SAME, ",".join(PROVIDER_MODULES), str(broken), "1"], capture_output=True, text=True)
    assert result.returncode != 0 and "a registration child failed" in result.stderr
