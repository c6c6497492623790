"""`dmesh preview --shard I/N` and `dmesh report merge`: a review split across CI jobs and joined again equals one run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dmesh.governance.config import load_platform_config
from dmesh.review.project import project_folders
from dmesh.review.report import merge
from dmesh.review.runner import review
from dmesh.review.shard import parse, split, weight
from meshtest import EXAMPLE_MESH, FIXTURE_PROJECTS, REPO


def comparable(report) -> dict:
    data = report.model_dump()
    data.pop("seconds")
    data.pop("timings")
    return data


@pytest.mark.parametrize("count", [2, 3])
def test_merged_shards_equal_the_unsharded_review(count):
    config = load_platform_config()
    whole = review(FIXTURE_PROJECTS, config)
    parts = [review(FIXTURE_PROJECTS, config, shard=(i, count)) for i in range(1, count + 1)]
    merged = merge(parts)
    assert comparable(merged) == comparable(whole) and merged.exit_code == whole.exit_code == 1
    assert whole.violations and sorted(t.domain for t in merged.timings) == sorted(t.domain for t in whole.timings)


def test_mesh_errors_reported_by_several_shards_count_once(mesh, edit):
    edit("sales/domain.yaml", "classification: public", "classification: secret-ish")
    config = load_platform_config()
    whole = review(mesh, config)
    merged = merge([review(mesh, config, shard=(i, 2)) for i in (1, 2)])
    assert whole.errors and comparable(merged) == comparable(whole) and merged.exit_code == whole.exit_code == 2


def test_the_split_is_deterministic_balanced_and_complete(tmp_path):
    folders = project_folders(EXAMPLE_MESH) + project_folders(FIXTURE_PROJECTS)
    parts = split(folders, 3)
    assert sorted(f for p in parts for f in p) == sorted(folders) and split(list(reversed(folders)), 3) == parts
    loads = [sum(weight(f) for f in p) for p in parts]
    assert max(loads) - min(loads) <= max(weight(f) for f in folders)
    assert weight(EXAMPLE_MESH / "sales") > weight(FIXTURE_PROJECTS / "wildcard-iam")
    assert split(folders[:1], 4)[1:] == [[], [], []]


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3/3 ", (3, 3))])
def test_shard_syntax(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1-2", "1/2/3", "-1/2", "1/1001", "\u0661/\u0662", "1/\uff12", "+1/2", "1/2\n3"])
def test_bad_shards_are_refused(text):
    with pytest.raises(ValueError):
        parse(text)


def test_a_blueprint_is_weighed_from_what_validation_would_read(tmp_path):
    """A domain.yaml far past the size validation accepts is weighed from its first MAX_BYTES, not read whole."""
    from blueprints.limits import MAX_BYTES

    folder = tmp_path / "huge"
    folder.mkdir()
    product = "  - name: p\n"
    (folder / "domain.yaml").write_text(product * (4 * MAX_BYTES // len(product)))
    assert weight(folder) <= weight_of_products(MAX_BYTES // len(product) + 1)


def weight_of_products(count: int) -> int:
    from dmesh.review.shard import DOMAIN_BASE, PER_PRODUCT, PER_S3

    return DOMAIN_BASE + count * (PER_PRODUCT + PER_S3)


def test_the_cli_shards_and_merges_with_the_unsharded_exit_code(tmp_path):
    def dmesh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=REPO, timeout=300)

    files = []
    for i in (1, 2):
        out = tmp_path / f"shard-{i}.json"
        result = dmesh("preview", str(FIXTURE_PROJECTS), "--shard", f"{i}/2", "--format", "json", "-o", str(out))
        assert result.returncode in (0, 1), result.stderr
        files.append(str(out))
    merged = dmesh("report", "merge", *files, "--format", "sarif", "-o", str(tmp_path / "merged.sarif"))
    whole = dmesh("preview", str(FIXTURE_PROJECTS), "--format", "sarif", "-o", str(tmp_path / "whole.sarif"))
    assert merged.returncode == whole.returncode == 1
    results = lambda f: sorted(json.dumps(r, sort_keys=True) for r in json.loads((tmp_path / f).read_text())["runs"][0]["results"])  # noqa: E731
    assert results("merged.sarif") == results("whole.sarif")
    bad = dmesh("report", "merge", str(tmp_path / "merged.sarif"))
    assert bad.returncode == 2 and "not a dmesh preview JSON report" in bad.stderr and "Traceback" not in bad.stderr
