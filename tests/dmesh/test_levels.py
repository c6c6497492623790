"""One resolved rule book: the platform config's levels are what every command and the pack report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dmesh.governance.config import CONFIG_ENV, platform_config_file
from meshtest import REPO


def dmesh(*args: str, config: Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CONFIG_ENV: str(config)}
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


@pytest.fixture
def stricter(tmp_path) -> Path:
    """The platform's config with an advisory rule (approved registries) raised to mandatory."""
    config = json.loads(platform_config_file().read_text())
    config["k8s-approved-registries"] = {**config.get("k8s-approved-registries", {}), "enforcementLevel": "mandatory"}
    file = tmp_path / "config.json"
    file.write_text(json.dumps(config))
    return file


def test_raised_level_is_the_level_everywhere(stricter, mesh, edit):
    rules = json.loads(dmesh("rules", "--format", "json", config=stricter).stdout)
    assert {r["name"]: r["level"] for r in rules}["k8s-approved-registries"] == "mandatory"
    config = json.loads(dmesh("policy-config", str(mesh / "sales"), config=stricter).stdout)
    assert config["k8s-approved-registries"]["enforcementLevel"] == "mandatory"

    edit("sales/domain.yaml", "image: registry.acme.example/sales/orders:1.4.2", "image: docker.io/acme/orders:1.4.2")
    preview = dmesh("preview", str(mesh / "sales"), "--format", "json", config=stricter)
    assert preview.returncode == 1, preview.stderr
    report = json.loads(preview.stdout)
    assert [(v["policy"], v["enforcement"]) for v in report["violations"]] == [("k8s-approved-registries", "mandatory")]
    assert report["summary"]["mandatory"] == 1 and report["summary"]["advisory"] == 0

    sarif = json.loads(dmesh("preview", str(mesh / "sales"), "--format", "sarif", config=stricter).stdout)["runs"][0]
    rule = next(r for r in sarif["tool"]["driver"]["rules"] if r["id"] == "k8s-approved-registries")
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["properties"]["security-severity"] == "5.5" and "supply-chain" in rule["properties"]["tags"]
    assert [r["level"] for r in sarif["results"] if r["ruleId"] == "k8s-approved-registries"] == ["error"]


def test_override_of_a_raised_rule_is_a_validation_error(stricter, mesh, edit):
    file = edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", "overrides: {k8s-approved-registries: disabled}")
    result = dmesh("validate", str(mesh), "--format", "json", config=stricter)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [error] = json.loads(result.stdout)["errors"]
    assert error["file"] == str(file) and error["field"] == "spec.governance.overrides.k8s-approved-registries"
    assert error["message"] == "'k8s-approved-registries' is a mandatory global rule; a domain cannot override it (asked: disabled)"
    # the same override under the shipped config is allowed: the level comes from the config, not the code
    assert subprocess.run([sys.executable, "-m", "dmesh", "validate", str(mesh)], capture_output=True, text=True, cwd=REPO).returncode == 0


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "cannot read the platform's policy config"),
    ('{"k8s-approved-registries": "remediate"}', "unknown enforcementLevel 'remediate' (use one of advisory, mandatory, disabled)"),
    ('{"no-such-rule": "advisory"}', "unknown rules ['no-such-rule']"),
    ('["advisory"]', "must be a JSON object of rule names"),
    ('{"s3-tls-only": 3}', "config for 's3-tls-only' must be a level or an object, not 3"),
])
@pytest.mark.parametrize("command", [["validate", "domain_stacks"], ["rules"], ["policy-config", "domain_stacks/sales"],
                                     ["preview", "domain_stacks/sales"]])
def test_broken_platform_config_is_a_usage_error(tmp_path, content, message, command):
    file = tmp_path / "config.json"
    file.write_text(content)
    result = dmesh(*command, config=file)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_readme_rule_table_is_the_rule_book():
    """The README's governance table is generated; a rule added, renamed or re-levelled without regenerating it fails here."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n", readme.index("<!-- rules:start")) + 1
    table = readme[start:readme.index("<!-- rules:end -->")]
    generated = subprocess.run([sys.executable, "-m", "dmesh", "rules", "--format", "markdown"], capture_output=True, text=True, cwd=REPO).stdout
    assert table == generated, "regenerate the README table with `dmesh rules --format markdown`"
