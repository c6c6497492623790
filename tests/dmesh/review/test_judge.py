"""Judging with several pack processes gives the report one pack process gives."""

from __future__ import annotations

from pathlib import Path

import dmesh.review.runner as runner
from dmesh.governance.config import load_platform_config

REPO = Path(__file__).resolve().parents[3]


def test_several_pack_processes_judge_like_one(monkeypatch, tmp_path):
    import shutil

    mesh = tmp_path / "mesh"
    shutil.copytree(REPO / "domain_stacks", mesh)
    main = mesh / "sales" / "__main__.py"  # one violation, so the comparison covers diagnostics too
    main.write_text(main.read_text() + "import pulumi_aws as aws\naws.s3.Bucket('raw', bucket='dm-sales-raw', tags={'dmesh:domain': 'sales'})\n")
    config = load_platform_config()
    started: list[int] = []
    real_client = runner.PolicyPackClient

    class Counted(real_client):
        def start(self):
            started.append(1)
            return super().start()

    monkeypatch.setattr(runner, "PolicyPackClient", Counted)
    one = runner.review(mesh, config, jobs=2)
    assert len(started) == 1  # three programs: not worth a second pack
    monkeypatch.setattr(runner, "RUNS_PER_JUDGE", 1)
    several = runner.review(mesh, config, jobs=2)
    assert len(started) == 3
    assert one.summary.mandatory > 0
    assert (several.resources, several.violations, several.summary, several.errors) == (one.resources, one.violations, one.summary, one.errors)
