"""Federated configuration: the platform's mesh-wide settings, tuned per domain within limits.

The platform team's `platform/policy_pack/config.json` (Pulumi's `--policy-pack-config`
format) sets levels and settings for the whole mesh. A domain's `governance.overrides`
may change the level of advisory rules for its own stack only; `dmesh validate` refuses
overrides of mandatory rules, and this module refuses them again so no path skips it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalog import rules_by_name

POLICY_PACK_DIR = Path(__file__).resolve().parents[2] / "policy_pack"
PLATFORM_CONFIG = POLICY_PACK_DIR / "config.json"
LEVELS = ("advisory", "mandatory", "disabled", "remediate")


class GovernanceConfigError(ValueError):
    pass


def _normalise(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"enforcementLevel": value}
    if not isinstance(value, dict):
        raise GovernanceConfigError(f"config for {name!r} must be a level or an object")
    level = value.get("enforcementLevel")
    if level is not None and level not in LEVELS:
        raise GovernanceConfigError(f"config for {name!r}: unknown enforcementLevel {level!r}")
    return dict(value)


def load_platform_config(path: Path = PLATFORM_CONFIG) -> dict[str, dict[str, Any]]:
    """The mesh-wide config, every rule present with its level and settings filled in."""
    raw = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    rules = rules_by_name()
    unknown = sorted(set(raw) - set(rules))
    if unknown:
        raise GovernanceConfigError(f"{path}: unknown rules {unknown}")
    config = {}
    for name, rule in rules.items():
        entry = _normalise(name, raw.get(name, {}))
        config[name] = {**rule.defaults, **entry, "enforcementLevel": entry.get("enforcementLevel", rule.level)}
    return config


def effective_config(platform: Mapping[str, Mapping[str, Any]], overrides: Mapping[str, str] | tuple[tuple[str, str], ...]) -> dict[str, dict[str, Any]]:
    """The config one domain's stack runs with: the platform's, with the domain's advisory overrides."""
    result = {name: dict(entry) for name, entry in platform.items()}
    for name, level in dict(overrides).items():
        if name not in result:
            raise GovernanceConfigError(f"override of unknown rule {name!r}")
        if result[name]["enforcementLevel"] == "mandatory":
            raise GovernanceConfigError(f"rule {name!r} is mandatory mesh-wide; a domain cannot override it")
        result[name]["enforcementLevel"] = level
    return result

