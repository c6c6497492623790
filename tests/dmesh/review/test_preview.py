"""dmesh preview end to end: real programs under mocks, judged by the real policy pack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meshtest import FIXTURE_PROJECTS, REPO, line_of


def preview(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", "preview", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def preview_json(*args: str) -> tuple[int, dict]:
    result = preview(*args, "--format", "json")
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture(scope="module")
def example_report() -> tuple[int, dict]:
    return preview_json("domain_stacks")


def test_example_mesh_previews_clean(example_report):
    code, report = example_report
    assert code == 0, report["violations"] + report["errors"]
    assert report["violations"] == [] and report["errors"] == []
    assert report["summary"]["domains"] == 3 and report["summary"]["mandatory"] == 0 and report["summary"]["advisory"] == 0
    assert report["summary"]["resources"] == len(report["resources"]) > 100


def test_json_shape(example_report):
    _, report = example_report
    assert set(report) >= {"resources", "violations", "summary"}
    assert set(report["summary"]) >= {"domains", "resources", "mandatory", "advisory"}
    assert set(report["resources"][0]) >= {"domain", "urn", "type", "name"}
    assert {r["domain"] for r in report["resources"]} == {"sales", "marketing", "ml-features"}
    assert any(r["type"] == "dmesh:domain:DomainStack" for r in report["resources"])


# fixture project -> the exact set of (policy, enforcement) it must produce
EXPECTED = {
    "raw-public-bucket": {("no-public-principals", "mandatory"), ("s3-encryption-customer-managed-kms", "mandatory"),
                          ("s3-public-access-blocked", "mandatory"), ("s3-tls-only", "advisory"), ("stateful-resources-protected", "advisory")},
    "wildcard-iam": {("iam-no-wildcard-actions", "mandatory"), ("iam-no-wildcard-resource-writes", "mandatory")},
    "privileged-pod": {("k8s-pod-security", "mandatory")},
    "unencrypted-stream": {("kinesis-encryption-kms", "mandatory"), ("stateful-resources-protected", "advisory")},
}


@pytest.mark.parametrize("project", sorted(EXPECTED))
def test_non_compliant_fixture_projects(project):
    code, report = preview_json(str(FIXTURE_PROJECTS / project))
    assert code == 1
    assert {(v["policy"], v["enforcement"]) for v in report["violations"]} == EXPECTED[project]
    assert report["errors"] == []
    levels = [v["enforcement"] for v in report["violations"]]
    assert report["summary"] == {"domains": 1, "resources": len(report["resources"]), "mandatory": levels.count("mandatory"),
                                 "advisory": levels.count("advisory"), "errors": 0}
    assert report["summary"]["mandatory"] >= 1 and report["summary"]["resources"] >= 1
    main = FIXTURE_PROJECTS / project / "__main__.py"
    # located at the line of the program that declared the resource
    assert all(v["file"] == str(main) and v["line"] > 1 for v in report["violations"])


def test_mesh_with_an_extra_resource_in_a_domain_program(mesh):
    main = mesh / "marketing" / "__main__.py"
    main.write_text(main.read_text() + (FIXTURE_PROJECTS / "privileged-pod" / "__main__.py").read_text())
    code, report = preview_json(str(mesh))
    assert code == 1
    assert [(v["domain"], v["policy"]) for v in report["violations"]] == [("marketing", "k8s-pod-security")]
    assert report["violations"][0]["file"] == str(main)


def test_advisory_override_silences_only_its_domain(mesh, edit):
    edit("sales/domain.yaml", "image: registry.acme.example/sales/orders:1.4.2", "image: docker.io/acme/orders:1.4.2")
    edit("ml-features/domain.yaml", "image: registry.acme.example/ml/churn-features:5.2.0", "image: docker.io/acme/churn-features:5.2.0")
    edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", "overrides: {k8s-approved-registries: disabled}")
    code, report = preview_json(str(mesh))
    assert code == 0  # advisory only
    found = [(v["domain"], v["policy"], v["enforcement"]) for v in report["violations"]]
    assert found == [("sales", "k8s-approved-registries", "advisory")]
    sales_yaml = mesh / "sales" / "domain.yaml"
    assert report["violations"][0]["file"] == str(sales_yaml)
    assert report["violations"][0]["line"] == line_of(sales_yaml, "- name: orders")


def test_mandatory_override_is_refused(mesh, edit):
    edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", "overrides: {k8s-pod-security: disabled}")
    code, report = preview_json(str(mesh))
    assert code == 2
    [error] = report["errors"]
    assert error["domain"] == "ml-features" and "mandatory global rule" in error["message"]


def test_failing_program_names_domain_and_file(mesh):
    (mesh / "sales" / "__main__.py").write_text("from components import deploy_domain\nraise ValueError('boom')\n")
    code, report = preview_json(str(mesh))
    assert code == 2
    [error] = report["errors"]
    assert error["domain"] == "sales" and error["file"] == str(mesh / "sales" / "__main__.py")
    assert "ValueError: boom" in error["message"] and "__main__.py:2" in error["message"]
    assert report["summary"] == {"domains": 3, "resources": len(report["resources"]), "mandatory": 0, "advisory": 0, "errors": 1}
    assert {r["domain"] for r in report["resources"]} == {"marketing", "ml-features"}


def test_errors_reach_sarif_and_markdown(mesh, tmp_path):
    (mesh / "sales" / "__main__.py").write_text("from components import deploy_domain\nraise ValueError('boom')\n")
    result = preview(str(mesh), "--format", "sarif", cwd=mesh)
    assert result.returncode == 2
    run = json.loads(result.stdout)["runs"][0]
    [error] = [r for r in run["results"] if r["ruleId"] == "dmesh-blueprint"]
    assert error["level"] == "error" and "ValueError: boom" in error["message"]["text"]
    assert error["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sales/__main__.py"
    assert "dmesh-blueprint" in {r["id"] for r in run["tool"]["driver"]["rules"]}
    markdown = preview(str(mesh), "--format", "markdown", cwd=mesh).stdout
    assert markdown.startswith("### dmesh policy review: ❌ blocked")
    assert "**0 mandatory**, 0 advisory violation(s), 1 error(s)" in markdown
    assert "| sales | `sales/__main__.py:0` |" in markdown and "ValueError: boom" in markdown


def test_missing_stack_config_names_key_and_file(mesh):
    config = mesh / "marketing" / "Pulumi.dev.yaml"
    config.write_text("\n".join(l for l in config.read_text().splitlines() if "oidcProviderArn" not in l) + "\n")
    code, report = preview_json(str(mesh / "marketing"))
    assert code == 2
    assert report["errors"][0]["message"] == ("missing stack config 'dmesh:oidcProviderArn': add it to Pulumi.dev.yaml "
                                              "(pulumi config set dmesh:oidcProviderArn <value>)")


@pytest.mark.parametrize("account", ['"12345678901"', '"123456789012\\n"', '"\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"'])
def test_an_account_id_that_is_not_twelve_ascii_digits_is_named(mesh, account):
    """It goes into every ARN the domain writes: a trailing newline or other scripts' digits would make each one wrong."""
    config = mesh / "marketing" / "Pulumi.dev.yaml"
    config.write_text("\n".join(f"  dmesh:accountId: {account}" if "dmesh:accountId" in l else l for l in config.read_text().splitlines()) + "\n")
    code, report = preview_json(str(mesh / "marketing"))
    assert code == 2
    assert "stack config 'dmesh:accountId' must be a 12-digit AWS account id" in report["errors"][0]["message"]


def test_usage_errors_exit_2(tmp_path):
    assert preview(str(tmp_path / "nothing")).returncode == 2
    result = preview(str(tmp_path))
    assert result.returncode == 2 and "holds no Pulumi project" in result.stderr


def test_markdown_and_sarif_reports(tmp_path):
    project = tmp_path / "raw-public-bucket"
    shutil.copytree(FIXTURE_PROJECTS / "raw-public-bucket", project)
    md = preview(str(project), "--format", "markdown", "--output", str(tmp_path / "review.md"), cwd=tmp_path)
    assert md.returncode == 1
    text = (tmp_path / "review.md").read_text()
    assert text.startswith("### dmesh policy review: ❌ blocked")
    assert "| raw-public-bucket | mandatory | `s3-public-access-blocked` | `raw` |" in text

    sarif_run = preview(str(project), "--format", "sarif", cwd=tmp_path)
    sarif = json.loads(sarif_run.stdout)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= rule_ids
    public = next(r for r in run["results"] if r["ruleId"] == "no-public-principals")
    location = public["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "raw-public-bucket/__main__.py"
    assert location["region"]["startLine"] == line_of(project / "__main__.py", 'aws.s3.BucketPolicy("raw-policy"')
    assert public["level"] == "error"


def test_table_output_groups_by_domain_and_shows_time():
    result = preview("tests/fixtures/projects/wildcard-iam")
    assert result.returncode == 1
    assert "wildcard-iam: 1 resources, 2 violation(s)" in result.stdout
    assert "iam-no-wildcard-actions" in result.stdout and " s" in result.stdout.splitlines()[-1]


def test_platform_stack_previews_clean():
    code, report = preview_json(".")
    assert code == 0, report
    types = {r["type"] for r in report["resources"]}
    assert {"dmesh:platform:PlatformStack", "aws:s3/bucket:Bucket", "aws:kms/key:Key"} <= types
    assert {r["domain"] for r in report["resources"]} == {"dmesh-platform"}


def _workers_of(mesh: Path) -> list[int]:
    """Programs running for a review of `mesh`: fresh workers name the mesh, forked ones run inside it."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                cwd = os.readlink(proc / "cwd") if "dmesh.review.zygote" in command else ""
            except OSError:
                continue
            if ("dmesh.review.worker" in command and str(mesh) in command) or (cwd and Path(cwd).is_relative_to(mesh)):
                pids.append(int(proc.name))
    return pids


def _children_of(pid: int) -> set[int]:
    children = set()
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.add(int(proc.name))
        except OSError:
            continue
    return children


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_stopping_a_review_leaves_no_worker_running(mesh, signal_name):
    import signal as signals
    import time

    (mesh / "sales" / "__main__.py").write_text("import time\ntime.sleep(60)\n")  # a slow program: the review is surely running
    # a terminal's Ctrl-C reaches a process whose SIGINT is at its default; a suite started as a background job of a
    # non-interactive shell (`(bash -c 'make test' &)`) hands every process it starts SIGINT ignored, which no signal ends
    review = subprocess.Popen([sys.executable, "-m", "dmesh", "preview", str(mesh), "--jobs", "2"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signals.signal(signals.SIGINT, signals.SIG_DFL))
    deadline = time.time() + 60
    while not _workers_of(mesh) and time.time() < deadline:
        time.sleep(0.1)
    assert _workers_of(mesh), "no worker started"
    # the forking worker, and the judging process it forked, both started before any program ran
    descendants = _children_of(review.pid)
    descendants |= {pid for child in descendants for pid in _children_of(child)}
    assert len(descendants) >= 3, descendants  # the worker, the judge, the slow program
    review.send_signal(getattr(signals, signal_name))
    _, stderr = review.communicate(timeout=60)
    assert review.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr
    time.sleep(0.5)
    assert _workers_of(mesh) == []
    assert [pid for pid in descendants if _alive(pid)] == []


def test_a_program_that_builds_less_than_its_blueprint_is_reported(mesh):
    (mesh / "marketing" / "__main__.py").write_text("import pulumi\n")  # declares two products, builds none
    code, report = preview_json(str(mesh))
    assert code == 2
    file = mesh / "marketing" / "domain.yaml"
    assert sorted((e["domain"], e["file"], e["line"], e["message"]) for e in report["errors"]) == sorted([
        ("marketing", str(file), line_of(file, f"- name: {p}"),
         f"the program builds nothing for product {p!r}, which domain.yaml declares; its __main__.py must call deploy_domain(__file__)")
        for p in ("web-events", "campaigns")])


def test_validate_and_preview_agree_about_a_domain_whose_sibling_is_invalid(mesh, edit):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    validated = subprocess.run([sys.executable, "-m", "dmesh", "validate", str(mesh / "ml-features"), "--format", "json"],
                               capture_output=True, text=True, cwd=REPO)
    by_validate = sorted((e["file"], e["line"], e["message"]) for e in json.loads(validated.stdout)["errors"])
    code, report = preview_json(str(mesh / "ml-features"))
    by_preview = sorted((e["file"], e["line"], e["message"].split(": ", 1)[1]) for e in report["errors"])
    assert validated.returncode == 1 and code == 2
    assert len(by_validate) == len(by_preview) == 2
    for (file, line, message), (p_file, p_line, p_message) in zip(by_validate, by_preview, strict=True):
        assert (file, line) == (p_file, p_line) and p_message.startswith(message)  # the review adds the finding's hint
    assert all(str(mesh / "sales" / "domain.yaml") in message for _, _, message in by_validate)


def _processes_with_tmpdir(tmpdir: Path) -> list[int]:
    marker = f"TMPDIR={tmpdir}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "environ").read_bytes().split(b"\0") and _alive(int(proc.name)):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("args", [["--shard", "3/2"], ["--output", "{tmp}/missing/report.json"], ["--output", "{tmp}"],
                                  ["--no-such-option"], ["--jobs", "0"], ["--format", "xml"], ["extra-argument"]],
                         ids=["bad-shard", "output-in-missing-folder", "output-is-a-folder", "unknown-option", "jobs-below-one",
                              "unknown-format", "extra-argument"])
def test_a_usage_error_after_the_workers_started_leaves_none_behind(tmp_path, args):
    """The executable starts the forking worker before it reads the command line (`dmesh/entry.py`): an option click
    refuses before the verb runs, or one the verb refuses, must still end it."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    result = subprocess.run([sys.executable, "-m", "dmesh", "preview", str(REPO / "domain_stacks" / "sales"),
                             *[a.format(tmp=tmp_path) for a in args]], capture_output=True, text=True, cwd=REPO, timeout=300,
                            env={**os.environ, "TMPDIR": str(tmpdir)})
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert list(tmpdir.iterdir()) == []  # the handover folder is gone
    assert _processes_with_tmpdir(tmpdir) == []


def test_a_domain_folder_linked_out_of_the_mesh_is_reported_and_its_program_never_runs(mesh, tmp_path):
    elsewhere = tmp_path / "runner" / "other"
    shutil.copytree(mesh / "sales", elsewhere)
    for file in [p for p in elsewhere.rglob("*") if p.is_file()]:  # a valid domain named as its folder: it would be run
        file.write_text(file.read_text().replace("sales", "other"))
    marker = tmp_path / "ran"
    (elsewhere / "__main__.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (mesh / "evil").symlink_to(elsewhere, target_is_directory=True)
    code, report = preview_json(str(mesh))
    assert code == 2 and not marker.exists()
    [error] = report["errors"]
    assert error["file"] == str(mesh / "evil" / "domain.yaml")
    assert error["message"].startswith("folder 'evil' of the mesh root links to ") and "out of the mesh" in error["message"]
    assert {r["domain"] for r in report["resources"]} == {"marketing", "ml-features", "sales"}


@pytest.mark.parametrize("domain", ["marketing", "ml-features", "sales"])
def test_one_domain_reviewed_alone_is_its_part_of_the_whole_mesh_review(example_report, domain):
    """Around one domain only what its checks read is loaded, and its program gets the specs of the domains it reads:
    it registers the very resources, and is judged alike, as in the whole mesh's review."""
    _, whole = example_report
    code, alone = preview_json(f"domain_stacks/{domain}")
    assert code == 0 and alone["errors"] == [] and alone["summary"]["domains"] == 1
    part = sorted((r["urn"], r["type"]) for r in whole["resources"] if r["domain"] == domain)
    assert part and sorted((r["urn"], r["type"]) for r in alone["resources"]) == part
    assert alone["violations"] == [v for v in whole["violations"] if v["domain"] == domain]
