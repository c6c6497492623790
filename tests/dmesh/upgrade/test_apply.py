"""`dmesh upgrade apply`: every example domain on batch@1 moves to batch@2 with no data destroyed and one line changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from meshtest import REPO


def dmesh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=REPO, timeout=600)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_batch1_domains_move_to_batch2_with_nothing_stateful_replaced_and_one_line_changed(mesh, edit):
    # comments on the first line and inline, quoting and blank lines must all survive
    edit("sales/domain.yaml", "# yaml-language-server: $schema=../domain.schema.json\n",
         "# Sales domain: owned by the sales data team\n# yaml-language-server: $schema=../domain.schema.json\n")
    edit("sales/domain.yaml", "  blueprint: batch@1\n", "  blueprint: 'batch@1'   # the golden path we follow\n\n")
    edit("sales/domain.yaml", "      retentionDays: 365\n", "      retentionDays: 365  # finance keeps a year\n")
    before = snapshot(mesh)
    result = dmesh("upgrade", "apply", str(mesh), "--preset", "batch@2", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["written"] is True and report["findings"] == [] and report["refused"] == []
    assert [(r["domain"], r["from"], r["to"], r["line"]) for r in report["rewrites"]] == [("sales", "batch@1", "batch@2", 11)]
    [sales] = report["domains"]
    changes = sales["changes"]
    assert not [c for c in changes if c["kind"] in ("replaced", "removed")]
    assert sorted(c["name"] for c in changes if c["kind"] == "added") == [
        "sales-customers-inventory", "sales-orders-inventory", "sales-store-locations-inventory"]
    # the lifecycle rules gain their tiering transition; the registry documents record the new preset (in place)
    assert sorted((c["name"], tuple(c["paths"])) for c in changes if c["kind"] == "updated") == sorted(
        [(f"sales-{p}-lifecycle", ("rules[0].transitions",)) for p in ("customers", "orders", "store-locations")]
        + [(f"sales-catalog-{p}-registry", ("content",)) for p in ("customers", "orders", "store-locations")])
    after = snapshot(mesh)
    assert {k for k in after if after[k] != before[k]} == {"sales/domain.yaml"} and set(after) == set(before)
    old_lines, new_lines = before["sales/domain.yaml"].splitlines(), after["sales/domain.yaml"].splitlines()
    assert len(old_lines) == len(new_lines)
    assert [(i + 1, new) for i, (old, new) in enumerate(zip(old_lines, new_lines)) if old != new] == [
        (11, b"  blueprint: 'batch@2'   # the golden path we follow")]
    assert dmesh("validate", str(mesh)).returncode == 0
    again = dmesh("upgrade", "apply", str(mesh), "--preset", "batch@2")
    assert again.returncode == 0 and "sales is already on batch@2" in again.stderr and snapshot(mesh) == after


def test_dry_run_reports_and_writes_nothing(mesh):
    before = snapshot(mesh)
    result = dmesh("upgrade", "apply", str(mesh), "--preset", "batch@2", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("### Upgrade to batch@2: sales (batch@1 -> batch@2, domain.yaml:10)")
    assert "**Safe:** no stateful resource is replaced or deleted." in result.stdout
    assert "| sales | 3 | 6 | 0 | 0 |" in result.stdout
    assert "dry run: nothing written" in result.stderr
    assert snapshot(mesh) == before


def test_only_the_named_domains_move(mesh):
    before = snapshot(mesh)
    result = dmesh("upgrade", "apply", str(mesh), "--preset", "batch@2", "--domain", "marketing")
    assert result.returncode == 0, result.stderr
    assert "marketing is on streaming@1, not a batch preset: left as it is" in result.stderr
    assert snapshot(mesh) == before


def test_a_blueprint_written_in_an_unusual_form_is_left_for_a_person(mesh, edit):
    edit("sales/domain.yaml", "  blueprint: batch@1\n", "  blueprint: >-\n    batch@1\n")
    before = snapshot(mesh)
    result = dmesh("upgrade", "apply", str(mesh), "--preset", "batch@2")
    assert result.returncode == 2 and "spec.blueprint is not written as a plain or quoted 'batch@1'; edit it by hand" in result.stderr
    assert snapshot(mesh) == before
