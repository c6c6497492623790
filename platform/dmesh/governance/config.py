"""Federated configuration: the platform's mesh-wide settings, tuned per domain within limits.

The platform team's `platform/policy_pack/config.json` (Pulumi's `--policy-pack-config` format,
shipped inside the pack as package data `dmesh.policy_pack`) overlays the rule book's defaults: the
result, the resolved rule book, is what every command and the pack use. A domain's
`governance.overrides` may change the level of rules that are advisory mesh-wide, for its own stack
only; `dmesh validate` refuses the others, and this module refuses them again so no path skips it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from .levels import LEVELS, Level
from .rulebook import rules_by_name

PACK_PACKAGE = "dmesh.policy_pack"
CONFIG_FILE = "config.json"
# a platform team trying a config change (or a test) points here at another file; the pack process inherits it
CONFIG_ENV = "DMESH_POLICY_CONFIG"

PlatformConfig = dict[str, dict[str, Any]]


class GovernanceConfigError(ValueError):
    pass


def policy_pack_dir() -> Path:
    """The policy pack's folder (what `pulumi --policy-pack` takes), wherever the platform is installed."""
    return Path(str(files(PACK_PACKAGE)))


def platform_config_file() -> Path:
    override = os.environ.get(CONFIG_ENV)
    return Path(override) if override else policy_pack_dir() / CONFIG_FILE


def _normalise(file: Path, name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"enforcementLevel": value}
    if not isinstance(value, dict):
        raise GovernanceConfigError(f"{file}: config for {name!r} must be a level or an object, not {value!r}")
    level = value.get("enforcementLevel")
    if level is not None and level not in LEVELS:
        raise GovernanceConfigError(f"{file}: config for {name!r}: unknown enforcementLevel {level!r} (use one of {', '.join(LEVELS)})")
    return dict(value)


def load_platform_config(path: Path | None = None) -> PlatformConfig:
    """The resolved rule book: every rule with its mesh-wide level and its settings filled in."""
    path = path or platform_config_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError) as exc:
        raise GovernanceConfigError(f"{path}: cannot read the platform's policy config: {exc}") from None
    if not isinstance(raw, dict):
        raise GovernanceConfigError(f"{path}: the platform's policy config must be a JSON object of rule names")
    rules = rules_by_name()
    unknown = sorted(set(raw) - set(rules))
    if unknown:
        raise GovernanceConfigError(f"{path}: unknown rules {unknown}; `dmesh rules` lists them")
    config = {}
    for name, rule in rules.items():
        entry = _normalise(path, name, raw.get(name, {}))
        config[name] = {**rule.defaults, **entry, "enforcementLevel": entry.get("enforcementLevel", rule.level)}
    return config


def levels(config: Mapping[str, Mapping[str, Any]]) -> dict[str, Level]:
    """Each rule's level in a resolved config."""
    return {name: entry["enforcementLevel"] for name, entry in config.items()}


def mesh_levels() -> dict[str, Level]:
    """The mesh-wide level of every rule: what `validate` judges overrides by, and what every report says."""
    return levels(load_platform_config())


def effective_config(platform: Mapping[str, Mapping[str, Any]], overrides: Mapping[str, str] | tuple[tuple[str, str], ...]) -> PlatformConfig:
    """The config one domain's stack runs with: the platform's, with the domain's advisory overrides."""
    result = {name: dict(entry) for name, entry in platform.items()}
    for name, level in dict(overrides).items():
        if name not in result:
            raise GovernanceConfigError(f"override of unknown rule {name!r}")
        if result[name]["enforcementLevel"] == "mandatory":
            raise GovernanceConfigError(f"rule {name!r} is mandatory mesh-wide; a domain cannot override it")
        if level not in LEVELS:
            raise GovernanceConfigError(f"override of {name!r}: unknown level {level!r}")
        result[name]["enforcementLevel"] = level
    return result
