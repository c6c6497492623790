"""The review's long-lived processes start when their work is next: programs before validation, the judge after it."""

from __future__ import annotations

import pytest

from meshtest import EXAMPLE_MESH

from dmesh.governance.config import load_platform_config
from dmesh.review import runner
from dmesh.review.workers import ForkedServer, Workers, Zygote


def test_the_judge_starts_on_its_own_call():
    workers = Workers(fork=True, judge=True)
    try:
        workers.start(judge=False)
        assert workers._zygote is not None and workers._zygote.alive and workers._judge is None
        workers.start_judge()
        assert workers._judge is not None and workers._judge.alive
    finally:
        workers.stop()
    assert not workers._zygote.alive and not workers._judge.alive


def test_the_judge_is_forked_from_the_programs_process_where_there_is_one():
    forking = Workers(fork=True, judge=True)
    spawning = Workers(fork=False, judge=True)
    try:
        forking.start()
        spawning.start()
        assert isinstance(forking._judge, ForkedServer) and isinstance(spawning._judge, Zygote)
        assert spawning._zygote is None and spawning._judge.alive
    finally:
        forking.stop()
        spawning.stop()


def test_a_review_starts_the_judge_once_the_mesh_is_validated(monkeypatch):
    """Three processes loading at once on two cores slowed the forking worker the first program waits for."""
    events: list[str] = []
    validate, start, start_judge = runner.validate_mesh, Workers.start, Workers.start_judge

    def validating(*args, **kwargs):
        events.append("validate")
        return validate(*args, **kwargs)

    def starting(self, judge=True):
        events.append(f"start judge={judge}")
        start(self, judge)

    def starting_judge(self):
        events.append("start judge")
        start_judge(self)

    monkeypatch.setattr(runner, "validate_mesh", validating)
    monkeypatch.setattr(Workers, "start", starting)
    monkeypatch.setattr(Workers, "start_judge", starting_judge)
    report = runner.review(EXAMPLE_MESH / "sales", load_platform_config())
    assert report.exit_code == 0 and report.summary.resources > 0
    assert events == ["start judge=False", "validate", "start judge"]


def test_a_review_s_workers_own_a_private_handover_folder_gone_when_they_stop():
    workers = Workers.for_review()
    try:
        folder = workers.specs_file.parent
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
        assert workers._zygote is not None and workers._judge is None  # the judge waits for the mesh to be validated
        assert workers._env["DMESH_SPEC_CACHE"] == str(workers.specs_file)
    finally:
        workers.stop()
    assert not folder.exists()
    workers.stop()  # stopping twice is harmless: the CLI and the review both stop what they share



@pytest.mark.parametrize("fork", [True, False], ids=["forked-program", "fresh-interpreter"])
def test_a_folder_holding_packages_named_as_the_platform_s_does_not_replace_them(tmp_path, monkeypatch, fork):
    """`python -m` puts the current folder first on the path: a domain folder (the fresh worker runs there) or the
    folder `dmesh preview` is run from, holding its own `components` or `blueprints`, would have replaced the
    platform's in the review's own processes."""
    project = tmp_path / "shadow"
    for package in ("components", "blueprints", "dmesh"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text('raise SystemExit("the folder\'s own package was imported")\n')
    (project / "Pulumi.yaml").write_text("name: shadow\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text("import components\nraise RuntimeError('imported ' + components.__file__)\n")
    monkeypatch.chdir(project)  # where the programs' process starts from
    workers = Workers(fork=fork)
    try:
        registrations, error, _ = workers.run(project, "dev")
    finally:
        workers.stop()
    assert registrations == [] and error is not None
    assert "RuntimeError: imported" in error and str(project) not in error.split("imported ", 1)[1], error
