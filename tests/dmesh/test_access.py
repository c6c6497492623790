"""`dmesh access request|revoke|list`: access changes as reviewed edits of both blueprints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from blueprints import ProductRef, load_mesh
from meshtest import REPO


def dmesh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.yaml"))}


def test_a_request_edits_both_blueprints_keeps_comments_and_prints_the_diff(mesh, edit):
    edit("marketing/domain.yaml", "# yaml-language-server", "# Marketing: owned by the growth team\n# yaml-language-server")
    edit("marketing/domain.yaml", "      retentionDays: 30\n", "      retentionDays: 30  # clicks age fast\n")
    for name in ("marketing/domain.yaml", "ml-features/domain.yaml"):
        (mesh / name).chmod(0o644)  # what a checkout gives: the CI user that reviews the change must still read them
    before = snapshot(mesh)
    result = dmesh("access", "request", "ml-features.churn-scores", "marketing.web-events", "--reason", "web activity\nas a feature",
                   "--mesh-root", str(mesh))
    assert result.returncode == 0, result.stderr
    after = snapshot(mesh)
    assert {k for k in after if after[k] != before[k]} == {"marketing/domain.yaml", "ml-features/domain.yaml"}
    assert after["marketing/domain.yaml"] == before["marketing/domain.yaml"].replace(
        "      pipeline: {image: registry.acme.example/marketing/web-events:0.9.0}\n",
        "      pipeline: {image: registry.acme.example/marketing/web-events:0.9.0}\n      grants:\n"
        "        - {domain: ml-features}  # web activity as a feature\n")
    assert after["ml-features/domain.yaml"] == before["ml-features/domain.yaml"].replace(
        "inputs: [ml-features.churn-features]\n      pipeline: {image: registry.acme.example/ml/churn-scorer",
        "inputs: [ml-features.churn-features, marketing.web-events]\n      pipeline: {image: registry.acme.example/ml/churn-scorer")
    assert "+        - {domain: ml-features}  # web activity as a feature" in result.stdout
    assert result.stdout.startswith("--- a/mesh/marketing/domain.yaml\n+++ b/mesh/marketing/domain.yaml\n")
    domains = load_mesh(mesh, {}).domains
    assert "ml-features" in domains["marketing"].product("web-events").grants
    assert ProductRef("marketing", "web-events") in domains["ml-features"].product("churn-scores").inputs
    assert all((mesh / name).stat().st_mode & 0o777 == 0o644 for name in ("marketing/domain.yaml", "ml-features/domain.yaml"))
    # and revoking it gives back the files byte for byte
    assert dmesh("access", "revoke", "ml-features.churn-scores", "marketing.web-events", "--mesh-root", str(mesh)).returncode == 0
    assert snapshot(mesh) == before


def test_a_request_that_breaks_a_rule_is_refused_with_the_rules_message_and_nothing_written(mesh):
    before = snapshot(mesh)
    result = dmesh("access", "request", "marketing.campaigns", "sales.customers", "--mesh-root", str(mesh))
    assert result.returncode == 1
    assert ("refused: marketing/domain.yaml:21: spec.dataProducts[1].classification: reads restricted input sales.customers but is "
            "classified internal") in " ".join(result.stderr.split())
    assert "nothing was written" in result.stderr and result.stdout == ""
    assert snapshot(mesh) == before


def test_revoking_keeps_the_grant_while_another_product_of_the_domain_reads_it(mesh, edit):
    edit("ml-features/domain.yaml", "      inputs: [ml-features.churn-features]\n      pipeline: {image: registry.acme.example/ml/churn-scorer",
         "      inputs: [ml-features.churn-features, sales.orders]\n      pipeline: {image: registry.acme.example/ml/churn-scorer")
    result = dmesh("access", "revoke", "ml-features.churn-features", "sales.orders", "--mesh-root", str(mesh))
    assert result.returncode == 0, result.stderr
    domains = load_mesh(mesh, {}).domains
    assert "ml-features" in domains["sales"].product("orders").grants
    assert ProductRef("sales", "orders") not in domains["ml-features"].product("churn-features").inputs


def test_an_existing_access_is_nothing_to_do(mesh):
    before = snapshot(mesh)
    result = dmesh("access", "request", "marketing.campaigns", "sales.store-locations", "--mesh-root", str(mesh))
    assert result.returncode == 0 and "nothing to change" in result.stderr and snapshot(mesh) == before


def test_list_is_the_grant_matrix():
    result = dmesh("access", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["product"]: r for r in json.loads(result.stdout)}
    assert rows["sales.orders"] == {"product": "sales.orders", "classification": "confidential", "grants": ["marketing", "ml-features"],
                                    "readBy": ["ml-features.churn-features"]}
    assert rows["ml-features.training-sets"]["grants"] == [] and len(rows) == 8
