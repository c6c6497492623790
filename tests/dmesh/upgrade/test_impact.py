"""`dmesh upgrade impact`: a platform change previewed against its base revision, in a throwaway git checkout."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from blueprints import load_mesh
from meshtest import EXAMPLE_MESH, REPO

BUCKETS = sum(1 for d in load_mesh(EXAMPLE_MESH, {}).domains.values() for p in d.products if p.s3)  # one per S3 product

BUCKET_LINE = '        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket, tags=dict(args.tags), opts=child(protect=True))\n'


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Iterator[Path]:
    """The platform's tracked files as a fresh one-commit repository: the base every test changes and resets."""
    root = tmp_path_factory.mktemp("platform") / "repo"
    for name in git(REPO, "ls-files", "-z").split("\0"):
        if name and (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    git(root, "init", "--quiet")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "base")
    yield root


@pytest.fixture
def repo(checkout) -> Iterator[Path]:
    yield checkout
    git(checkout, "checkout", "--quiet", "--", ".")
    assert git(checkout, "worktree", "list").count("\n") == 1, "the base worktree was left behind"


def change(repo: Path, old: str, new: str, file: str = "components/storage.py") -> None:
    path = repo / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def impact(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", "upgrade", "impact", str(repo / "domain_stacks"), "--base", "HEAD", *args],
                          capture_output=True, text=True, cwd=repo, timeout=600)


def test_no_change_no_impact(repo):
    result = impact(repo, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["refused"] == [] and [d["changes"] for d in report["domains"]] == [[], [], []]


def test_a_renamed_child_without_an_alias_is_refused_naming_it_and_passes_with_the_alias(repo):
    change(repo, BUCKET_LINE, BUCKET_LINE.replace('f"{name}-bucket"', 'f"{name}-data"'))
    result = impact(repo)
    assert result.returncode == 1, result.stderr
    assert ("refused: sales: sales-orders-bucket (aws:s3/bucket:Bucket) holds a product's data and would be deleted: its URN is gone "
            "and no alias in the new run claims it: Pulumi deletes it.") in " ".join(result.stderr.split())
    assert result.stdout.count("deleted") >= BUCKETS  # every product bucket of the mesh
    git(repo, "checkout", "--quiet", "--", ".")

    change(repo, BUCKET_LINE, BUCKET_LINE.replace('f"{name}-bucket"', 'f"{name}-data"').replace(
        "opts=child(protect=True)", 'opts=pulumi.ResourceOptions(parent=self, protect=True, aliases=[*moved_from, pulumi.Alias(name=f"{name}-bucket")])'))
    result = impact(repo, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    moved = [c for d in report["domains"] for c in d["changes"]]
    assert len(moved) == BUCKETS and {(c["kind"], c["destroysData"]) for c in moved} == {("updated", False)}
    assert all(c["movedFrom"].endswith(c["name"].replace("-data", "-bucket")) for c in moved)


def test_a_changed_bucket_name_is_a_replacement_refused_unless_allowed(repo):
    change(repo, "bucket=args.bucket, tags=dict(args.tags)", 'bucket=f"{args.bucket}-v2", tags=dict(args.tags)')
    result = impact(repo, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    replaced = [c for d in report["domains"] for c in d["changes"] if c["kind"] == "replaced"]
    assert len(replaced) == BUCKETS and all(c["refused"] for c in replaced)
    assert "bucket changes from 'dm-sales-orders' to 'dm-sales-orders-v2', which cannot change in place" in " ".join(result.stderr.split())
    allowed = [arg for c in replaced for arg in ("--allow-replace", c["urn"])]
    result = impact(repo, "--format", "markdown", *allowed)
    assert result.returncode == 0, result.stderr
    assert (f"**Allowed:** {BUCKETS} stateful resource(s) are replaced or deleted, each named with --allow-replace; their data is lost."
            in result.stdout)


def test_a_base_that_is_not_a_revision_is_bad_input(repo):
    for base in ("no-such-branch", "--help"):
        result = subprocess.run([sys.executable, "-m", "dmesh", "upgrade", "impact", str(repo / "domain_stacks"), f"--base={base}"],
                                capture_output=True, text=True, cwd=repo, timeout=120)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
