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

from .governance.config import GovernanceConfigError, effective_config, levels, load_platform_config, policy_pack_dir
from .local import endpoint_from_env, local_stack_config
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


def up(domain_dir: Path, stack_name: str, *, local: bool, dry_run: bool, on_output: Callable[[str], None]) -> None:
    """Validate the domain with the mesh, then `pulumi preview|up --policy-pack ... --policy-pack-config ...`."""
    require_cli()
    domain_dir = domain_dir.resolve()
    if not (domain_dir / "domain.yaml").is_file():
        raise DeployError(f"{domain_dir} is a Pulumi project but not a domain (no domain.yaml): `dmesh up` deploys domain stacks; "
                          "deploy the platform stack (or any other project) with `pulumi up --policy-pack platform/policy_pack` from its folder")
    try:
        platform_config = load_platform_config()
    except GovernanceConfigError as exc:
        raise DeployError(str(exc)) from None
    mesh, findings = validate_mesh(Target(domain_dir.parent, domain_dir), levels(platform_config))
    if findings:
        raise DeployError("the blueprint or the mesh checks failed:\n" + "\n".join(f.render() for f in findings))
    spec = next(s for s in mesh.domains.values() if s.folder == domain_dir)
    from pulumi import automation as auto

    with tempfile.TemporaryDirectory(prefix="dmesh-up-") as tmp:
        policy_config = Path(tmp) / "policy-config.json"
        policy_config.write_text(json.dumps(effective_config(platform_config, spec.overrides)))
        try:
            stack = auto.create_or_select_stack(stack_name="local" if local else stack_name, work_dir=str(domain_dir))
            if local:
                for key, value in local_stack_config(domain_dir, endpoint_from_env()).items():
                    text = value if isinstance(value, str) else json.dumps(value)
                    stack.set_config(key, auto.ConfigValue(value=text))
            options = {"policy_packs": [str(policy_pack_dir())], "policy_pack_configs": [str(policy_config)], "on_output": on_output}
            stack.preview(**options) if dry_run else stack.up(**options)
        except FileNotFoundError:
            raise DeployError(MISSING_CLI) from None
        except auto.errors.CommandError as exc:
            raise DeployError(str(exc)) from None
