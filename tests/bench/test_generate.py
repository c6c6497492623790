"""The benchmark's synthetic meshes are valid, preview clean, and come out the same for the same seed."""

from __future__ import annotations

import importlib.util

from dmesh.governance.config import load_platform_config, mesh_levels
from dmesh.review.runner import review
from dmesh.validation import Target, validate_mesh
from meshtest import REPO

spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
generate_module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(generate_module)  # type: ignore[union-attr]


def test_a_generated_mesh_validates_and_previews_clean(tmp_path):
    root = tmp_path / "mesh"
    names = generate_module.generate(root, 4, 3, seed=11)
    mesh, findings = validate_mesh(Target(root, None), mesh_levels())
    assert findings == [] and sorted(mesh.domains) == names
    products = [p for d in mesh.domains.values() for p in d.products]
    assert len(products) == 12 and any(p.kinesis for p in products) and any(p.pipeline for p in products)
    assert any(i.domain != d.name for d in mesh.domains.values() for p in d.products for i in p.inputs)  # cross-domain lineage
    report = review(root, load_platform_config())
    assert report.exit_code == 0 and report.summary.resources > 12 * 10, (report.errors, report.violations)


def test_same_seed_same_bytes(tmp_path):
    generate_module.generate(tmp_path / "a", 5, 4, seed=3)
    generate_module.generate(tmp_path / "b", 5, 4, seed=3)
    files = lambda root: {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}  # noqa: E731
    assert files(tmp_path / "a") == files(tmp_path / "b")
