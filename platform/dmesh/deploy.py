"""`dmesh up`: deploy one domain stack through Pulumi's Automation API, with the policy pack attached.

This is the one path that needs the Pulumi CLI (and cloud credentials); without the CLI it stops
with one clear message before touching anything.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from blueprints import BlueprintError, load_domain, load_presets

from .governance.config import POLICY_PACK_DIR, effective_config, load_platform_config
from .local import endpoint_from_env, pulumi_local_config
from .validation import Target, validate_mesh

MISSING_CLI = ("the Pulumi CLI is not installed or not on PATH; install it (https://www.pulumi.com/docs/install/) to deploy. "
               "`dmesh preview` reviews a domain offline without it.")


class DeployError(Exception):
    pass


def require_cli() -> str:
    path = shutil.which("pulumi")
    if path is None:
        raise DeployError(MISSING_CLI)
    return path


def local_stack_config(domain_dir: Path, endpoint: str) -> dict[str, object]:
    """The domain's dev config with LocalStack's endpoints and test credentials (pulumilocal's keys)."""
    from ruamel.yaml import YAML

    base = domain_dir / "Pulumi.dev.yaml"
    config = dict((YAML(typ="safe").load(base.read_text()) or {}).get("config") or {}) if base.is_file() else {}
    return {**config, **pulumi_local_config(endpoint)}


def up(domain_dir: Path, stack_name: str, *, local: bool, preview_only: bool, on_output: Callable[[str], None]) -> None:
    """Validate the domain with the mesh, then `pulumi preview|up --policy-pack ... --policy-pack-config ...`."""
    require_cli()
    domain_dir = domain_dir.resolve()
    try:
        spec = load_domain(domain_dir, load_presets())
    except BlueprintError as exc:
        raise DeployError(f"the blueprint is invalid:\n{exc}") from None
    _, findings = validate_mesh(Target(domain_dir.parent, domain_dir))
    if findings:
        raise DeployError("the mesh checks failed:\n" + "\n".join(f.render() for f in findings))
    from pulumi import automation as auto

    with tempfile.TemporaryDirectory(prefix="dmesh-up-") as tmp:
        policy_config = Path(tmp) / "policy-config.json"
        policy_config.write_text(json.dumps(effective_config(load_platform_config(), spec.overrides)))
        try:
            stack = auto.create_or_select_stack(stack_name="local" if local else stack_name, work_dir=str(domain_dir))
            if local:
                for key, value in local_stack_config(domain_dir, endpoint_from_env()).items():
                    text = value if isinstance(value, str) else json.dumps(value)
                    stack.set_config(key, auto.ConfigValue(value=text))
            options = {"policy_packs": [str(POLICY_PACK_DIR)], "policy_pack_configs": [str(policy_config)], "on_output": on_output}
            stack.preview(**options) if preview_only else stack.up(**options)
        except FileNotFoundError:
            raise DeployError(MISSING_CLI) from None
        except auto.errors.CommandError as exc:
            raise DeployError(str(exc)) from None
