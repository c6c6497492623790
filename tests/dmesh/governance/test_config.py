"""The resolved rule book, in process: platform config over code defaults, and what a domain may tune."""

from __future__ import annotations

import json

import pytest

from dmesh.governance.config import GovernanceConfigError, effective_config, levels, load_platform_config, mesh_levels
from dmesh.governance.rulebook import RULES
from rulecases import LEVELS


def write(tmp_path, content) -> object:
    file = tmp_path / "config.json"
    file.write_text(content if isinstance(content, str) else json.dumps(content))
    return file


def test_every_rule_resolved_with_defaults_under_configured_settings(tmp_path):
    config = load_platform_config(write(tmp_path, {"k8s-approved-registries": {"registries": ["r.example"]}, "s3-tls-only": "disabled"}))
    assert set(config) == {r.name for r in RULES}
    assert config["k8s-approved-registries"] == {"registries": ["r.example"], "enforcementLevel": "advisory"}
    assert config["s3-tls-only"] == {"enforcementLevel": "disabled"}
    assert config["required-tags"] == {"tags": ["dmesh:domain", "dmesh:owner", "dmesh:classification", "dmesh:cost-center"],
                                       "enforcementLevel": "mandatory"}
    assert levels(config) == {**LEVELS, "s3-tls-only": "disabled"}


def test_missing_file_means_code_defaults(tmp_path):
    assert levels(load_platform_config(tmp_path / "absent.json")) == LEVELS


def test_shipped_config_keeps_promised_levels():
    assert mesh_levels() == LEVELS


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "cannot read the platform's policy config"),
    ('["advisory"]', "must be a JSON object of rule names"),
    ({"no-such-rule": "advisory"}, "unknown rules ['no-such-rule']; `dmesh rules` lists them"),
    ({"s3-tls-only": "remediate"}, "config for 's3-tls-only': unknown enforcementLevel 'remediate' (use one of advisory, mandatory, disabled)"),
    ({"s3-tls-only": {"enforcementLevel": "loud"}}, "unknown enforcementLevel 'loud'"),
    ({"s3-tls-only": 3}, "config for 's3-tls-only' must be a level or an object, not 3"),
])
def test_broken_config_is_refused_naming_the_file(tmp_path, content, message):
    file = write(tmp_path, content)
    with pytest.raises(GovernanceConfigError) as caught:
        load_platform_config(file)
    assert message in str(caught.value) and str(file) in str(caught.value)


def test_domain_tunes_advisory_rules_only_for_itself():
    platform = load_platform_config()
    tuned = effective_config(platform, (("stateful-resources-protected", "disabled"), ("s3-tls-only", "mandatory")))
    assert tuned["stateful-resources-protected"]["enforcementLevel"] == "disabled"
    assert tuned["s3-tls-only"]["enforcementLevel"] == "mandatory"
    assert platform["s3-tls-only"]["enforcementLevel"] == "advisory"  # the platform's config is not changed
    assert {k: v for k, v in tuned.items() if k not in ("stateful-resources-protected", "s3-tls-only")} == \
        {k: v for k, v in platform.items() if k not in ("stateful-resources-protected", "s3-tls-only")}


@pytest.mark.parametrize(("override", "message"), [
    (("s3-versioning-enabled", "disabled"), "rule 's3-versioning-enabled' is mandatory mesh-wide; a domain cannot override it"),
    (("no-such-rule", "disabled"), "override of unknown rule 'no-such-rule'"),
    (("s3-tls-only", "remediate"), "override of 's3-tls-only': unknown level 'remediate'"),
])
def test_refused_overrides(override, message):
    with pytest.raises(GovernanceConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        effective_config(load_platform_config(), (override,))


def test_the_environment_points_at_another_config(tmp_path, monkeypatch):
    from dmesh.governance.config import CONFIG_ENV, platform_config_file, policy_pack_dir

    assert platform_config_file() == policy_pack_dir() / "config.json"
    file = write(tmp_path, {"s3-tls-only": "mandatory"})
    monkeypatch.setenv(CONFIG_ENV, str(file))
    assert platform_config_file() == file and mesh_levels()["s3-tls-only"] == "mandatory"
