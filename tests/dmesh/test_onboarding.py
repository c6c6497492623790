"""Onboarding: one command gives a new domain that validates and previews clean, or leaves nothing."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from blueprints import load_presets
from meshtest import REPO

TEMPLATE = REPO / "blueprints" / "template"
COOKIECUTTER = Path(sys.executable).parent / "cookiecutter"
PRESETS = sorted(load_presets())  # every preset the platform ships onboards clean


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


def dmesh(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "dmesh", *args, cwd=cwd)


def snapshot(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def assert_clean_domain(mesh: Path, domain: str) -> None:
    validate = dmesh("validate", str(mesh / domain))
    assert validate.returncode == 0, validate.stderr
    preview = dmesh("preview", str(mesh / domain), "--format", "json")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    report = json.loads(preview.stdout)
    assert report["violations"] == [] and report["errors"] == [] and report["summary"]["resources"] > 20


@pytest.mark.parametrize("preset", PRESETS)
def test_dmesh_init_creates_a_clean_domain(mesh, preset):
    result = dmesh("init", "finance", "--owner", "finance-data@acme.example", "--cost-center", "CC-5001", "--preset", preset,
                   "--product", "ledger", "--classification", "restricted", "--mesh-root", str(mesh), "--no-input")
    assert result.returncode == 0, result.stderr
    created = mesh / "finance"
    assert sorted(str(p.relative_to(created)) for p in created.rglob("*") if p.is_file()) == [
        "Pulumi.dev.yaml", "Pulumi.yaml", "README.md", "__main__.py", "contracts/ledger.odcs.yaml", "domain.yaml"]
    assert "Next steps" in result.stdout
    assert f'blueprint: "{preset}"' in (created / "domain.yaml").read_text()
    # the workflow goes where the repository's CI runs it, path-filtered to the domain under the mesh root given
    workflow = YAML(typ="safe").load((mesh.parent / ".github" / "workflows" / "dmesh-finance.yml").read_text())
    assert workflow["on"]["pull_request"]["paths"] == ["mesh/finance/**"]
    steps = {s.get("name"): s for s in workflow["jobs"]["review"]["steps"]}
    assert steps["Validate the blueprint"]["run"] == ".venv/bin/dmesh validate mesh/finance"
    assert steps["Policy review"]["run"] == ".venv/bin/dmesh preview mesh/finance --format sarif --output dmesh-finance.sarif"
    assert steps["Upload the review to code scanning"]["if"] == "${{ always() }}"
    assert (created / "__main__.py").read_text().count("\n") == 2
    assert not [p for p in mesh.iterdir() if p.name.startswith(".dmesh-init-")]
    assert_clean_domain(mesh, "finance")


@pytest.mark.parametrize("preset", PRESETS)
def test_plain_cookiecutter_run_creates_a_clean_domain(mesh, preset):
    result = run(str(COOKIECUTTER), str(TEMPLATE), "-o", str(mesh), "--no-input", "domain=logistics", "owner=logistics@acme.example",
                 "cost_center=CC-7", f"preset={preset}", "product=shipments", "classification=internal")
    assert result.returncode == 0, result.stderr
    assert_clean_domain(mesh, "logistics")


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("domain", "Finance", "domain 'Finance' is not a valid name"),
    ("owner", "finance-at-acme", "owner 'finance-at-acme' is not an e-mail address"),
    ("owner", "{{7*7}}@acme.example", "owner '{{7*7}}@acme.example' is not an e-mail address"),
    ("cost_center", "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}", "is not a tag value AWS accepts"),
    ("cost_center", "   ", "cost center '   ' is not a tag value AWS accepts"),
    ("cost_center", "CC-1\nkind: Evil", "is not a tag value AWS accepts"),
    ("preset", "realtime@2", f"unknown preset 'realtime@2': use one of {', '.join(PRESETS)}"),
    ("product", "x", "product 'x' is not a valid name"),
    ("classification", "secret", "unknown classification 'secret'"),
])
def test_bad_values_are_refused_and_leave_nothing(mesh, flag, value, message):
    values = {"domain": "finance", "owner": "f@acme.example", "cost_center": "CC-1", "preset": "batch@1", "product": "ledger",
              "classification": "internal", flag: value}
    before = snapshot(mesh)
    args = ["init", values.pop("domain"), "--mesh-root", str(mesh), "--no-input"]
    args += [a for k, v in values.items() for a in (f"--{k.replace('_', '-')}", v)]
    result = dmesh(*args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(mesh) == before

    if "{{" in value:
        return  # plain cookiecutter evaluates `{{ }}` in values by design, before any hook: only `dmesh init` can refuse them
    cc_values = {"domain": "finance", "owner": "f@acme.example", "cost_center": "CC-1", "preset": "batch@1", "product": "ledger",
                 "classification": "internal", flag: value}
    plain = run(str(COOKIECUTTER), str(TEMPLATE), "-o", str(mesh), "--no-input", *[f"{k}={v}" for k, v in cc_values.items()])
    assert plain.returncode != 0 and message in plain.stderr
    assert snapshot(mesh) == before


def test_existing_domain_is_never_overwritten(mesh):
    before = {p: p.read_bytes() for p in (mesh / "sales").rglob("*") if p.is_file()}
    result = dmesh("init", "sales", "--owner", "x@acme.example", "--cost-center", "CC-1", "--mesh-root", str(mesh), "--no-input")
    assert result.returncode == 2 and "domain 'sales' already exists" in result.stderr
    forced = run(str(COOKIECUTTER), str(TEMPLATE), "-o", str(mesh), "--no-input", "--overwrite-if-exists", "domain=sales",
                 "owner=x@acme.example", "product=orders")
    assert forced.returncode != 0 and "a domain is never overwritten" in forced.stderr
    assert {p: p.read_bytes() for p in (mesh / "sales").rglob("*") if p.is_file()} == before


def test_invalid_result_is_rolled_back(mesh, tmp_path):
    import shutil

    from dmesh.onboarding import OnboardingError, init_domain

    # a template whose output does not validate (as a broken template upgrade would)
    broken = tmp_path / "template"
    shutil.copytree(TEMPLATE, broken)
    blueprint = broken / "{{cookiecutter.domain}}" / "domain.yaml"
    blueprint.write_text(blueprint.read_text().replace("spec:\n", "spec:\n  colour: red\n"))
    before = snapshot(mesh)
    values = {"domain": "finance", "owner": "f@acme.example", "cost_center": "CC-1", "preset": "batch@1", "product": "ledger",
              "classification": "internal"}
    with pytest.raises(OnboardingError) as info:
        init_domain(mesh, values, template=broken)
    assert any("spec.colour: unknown field" in p for p in info.value.problems)
    assert snapshot(mesh) == before


def test_bytecode_compiled_in_the_template_is_not_copied_into_a_new_domain(mesh, tmp_path):
    import shutil

    from dmesh.onboarding import init_domain

    compiled = tmp_path / "template"
    shutil.copytree(TEMPLATE, compiled, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(compiled)], check=True, timeout=120)  # as `compileall blueprints` would
    assert list(compiled.rglob("__pycache__/*.pyc"))
    (compiled / "{{cookiecutter.domain}}" / "contracts" / "__pycache__").symlink_to(tmp_path)  # a link is removed, never followed
    values = {"domain": "finance", "owner": "f@acme.example", "cost_center": "CC-1", "preset": "batch@1", "product": "ledger",
              "classification": "internal"}
    target, _, _ = init_domain(mesh, values, template=compiled)
    assert not list(target.rglob("__pycache__")) and (target / "__main__.py").is_file()
    assert (tmp_path / "template").is_dir()  # what the link pointed at is untouched


def test_missing_required_value_without_a_terminal(mesh):
    result = dmesh("init", "finance", "--cost-center", "CC-1", "--mesh-root", str(mesh), "--no-input")
    assert result.returncode == 2 and "--owner is required" in result.stderr
    assert not (mesh / "finance").exists()


def test_prompts_for_missing_values_on_a_terminal(mesh):
    pid, fd = pty.fork()
    if pid == 0:  # child: dmesh on a pseudo-terminal
        os.chdir(REPO)
        os.execv(sys.executable, [sys.executable, "-m", "dmesh", "init", "finance", "--mesh-root", str(mesh)])
    answers = iter(["finance@acme.example", "CC-42", "streaming@1", "ledger", "internal"])
    output, deadline = b"", time.time() + 120
    while time.time() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if output.rstrip().endswith(b":") or output.rstrip().endswith(b"]:"):
            answer = next(answers, None)
            if answer is not None:
                os.write(fd, answer.encode() + b"\r")
                output += b"\n"
    _, status = os.waitpid(pid, 0)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Owning team's e-mail" in text and "Cost center" in text
    domain = (mesh / "finance" / "domain.yaml").read_text()
    assert 'owner: "finance@acme.example"' in domain and 'blueprint: "streaming@1"' in domain and 'costCenter: "CC-42"' in domain


@pytest.mark.parametrize("cost_center", ["123", "null", "true", "2026-01-01", "CC: 1", "0o17", "1e3", "~", "A#1", "=x", "@team", "CC/42+ops"])
def test_values_stay_the_strings_they_were(mesh, cost_center):
    """YAML would read these as numbers, null, booleans, dates or structure; quoted, each one round-trips exactly."""
    from blueprints import load_domain, load_presets

    result = dmesh("init", "finance", "--owner", "f@acme.example", "--cost-center", cost_center, "--mesh-root", str(mesh), "--no-input")
    if result.returncode == 2:  # refused as a tag value AWS would not accept: fine, and nothing written
        assert "is not a tag value AWS accepts" in result.stderr and not (mesh / "finance").exists()
        return
    assert result.returncode == 0, result.stderr
    assert load_domain(mesh / "finance", load_presets()).cost_center == cost_center


def test_hostile_values_never_run(mesh, tmp_path):
    """Template syntax and quotes in any value are refused before cookiecutter renders anything; nothing runs, nothing is written."""
    marker = tmp_path / "pwned"
    before = snapshot(mesh)
    for flag, value in [("--cost-center", f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"),
                        ("--owner", f"\"+__import__('os').system('touch {marker}')+\"@x.io"),
                        ("--product", "x\"; import os; os.system('touch " + str(marker) + "'); \""),
                        ("--preset", "{% for x in range(10**9) %}{% endfor %}")]:
        args = {"--owner": "f@acme.example", "--cost-center": "CC-1", flag: value}
        result = dmesh("init", "finance", *[a for k, v in args.items() for a in (k, v)], "--mesh-root", str(mesh), "--no-input")
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert not marker.exists() and snapshot(mesh) == before


def test_the_hook_reads_values_as_data(tmp_path):
    """The pre-generation hook gets the values as one JSON literal: quotes in a value cannot end it."""
    hook = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    assert "{{ cookiecutter | tojson | tojson }}" in hook and "{{ cookiecutter." not in hook.replace("{{ cookiecutter | tojson", "")


def test_a_mesh_root_that_cannot_be_written_is_a_clear_error(mesh, monkeypatch):
    """As root every folder is writable, so the refusal the operating system would give is simulated."""
    import tempfile

    from dmesh.onboarding import OnboardingError, init_domain

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    values = {"domain": "finance", "owner": "f@acme.example", "cost_center": "CC-1", "preset": "batch@1", "product": "ledger",
              "classification": "internal"}
    with pytest.raises(OnboardingError) as caught:
        init_domain(mesh, values)
    assert caught.value.problems == [f"cannot write in {mesh}: Permission denied"]
    assert not (mesh / "finance").exists()
