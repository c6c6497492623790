"""`dmesh up`: review offline, `pulumi preview --save-plan` with the policy pack, confirm, `pulumi up --plan` of that plan.

Each test runs `dmesh` with the stand-in `pulumi` first on PATH and reads the command lines it recorded.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from blueprints import naming
from dmesh.deploy.plugins import required_plugins
from dmesh.governance.config import policy_pack_dir

PLATFORM_OUTPUTS = {"catalogBucket": naming.CATALOG_BUCKET, "auditBucket": naming.AUDIT_BUCKET}


def deployed_platform(cli) -> None:
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    result = cli.dmesh("up", ".", "--yes")
    assert result.returncode == 0, result.stderr
    cli.log.unlink()


def engine_calls(cli, verb: str) -> list[tuple[str, list[str]]]:
    """(project folder name, command line) of each call of `verb`."""
    return [(Path(c["cwd"]).name, [a for a in c["argv"] if a != "--non-interactive"]) for c in cli.calls()
            if [a for a in c["argv"] if a != "--non-interactive"][:1] == [verb]]


def test_a_domain_is_previewed_with_the_policy_pack_then_updated_with_exactly_that_plan(cli):
    deployed_platform(cli)
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 0, result.stderr
    commands = cli.commands()
    verbs = [c[0] if c[0] != "stack" else f"stack {c[1]}" for c in commands]
    assert verbs[:6] == ["version", "plugin", "plugin", "stack select", "stack output", "stack output"]  # platform checked first
    assert verbs[6:] == ["stack select", "stack init", "preview", "up", "stack output", "stack output", "stack history"]
    [(_, preview)] = engine_calls(cli, "preview")
    [(_, up)] = engine_calls(cli, "up")
    plan = preview[preview.index("--save-plan") + 1]
    assert up[up.index("--plan") + 1] == plan  # the update is held to what was previewed
    for argv in (preview, up):
        assert argv[argv.index("--policy-pack") + 1] == str(policy_pack_dir())
        assert argv[argv.index("--stack") + 1] == "dev"
    assert "--yes" in up and "--skip-preview" in up
    assert all(c["env"]["PULUMI_EXPERIMENTAL"] == "true" and c["env"]["PULUMI_BACKEND_URL"] == cli.env["PULUMI_BACKEND_URL"]
               for c in cli.calls() if c["argv"][1:2] in (["preview"], ["up"]))
    assert result.stdout.count("Previewing update (dev)") == 1 and result.stdout.count("Updating (dev)") == 1  # streamed once
    assert "sales: 2 to create" in result.stderr and "deployed" in result.stderr


def test_the_policy_config_given_to_the_cli_is_the_domains_effective_config(cli, tmp_path):
    """ml-features overrides a rule to advisory in its blueprint; the file passed with --policy-pack-config says so."""
    deployed_platform(cli)
    wrapper = cli.bin / "pulumi"
    keep = tmp_path / "kept"
    keep.mkdir()
    # keep a copy of the policy config the CLI is given (dmesh deletes its temporary folder afterwards)
    wrapper.write_text(wrapper.read_text().replace("exec ", 'for a in "$@"; do case "$a" in *.policy-config.json) cp "$a" '
                                                          f'{keep}/;; esac; done\nexec '))
    result = cli.dmesh("up", "domain_stacks/ml-features", "--yes")
    assert result.returncode == 0, result.stderr
    config = json.loads((keep / "ml-features.policy-config.json").read_text())
    assert config["stateful-resources-protected"]["enforcementLevel"] == "disabled"
    assert config["s3-encryption-customer-managed-kms"]["enforcementLevel"] == "mandatory"


def test_without_a_terminal_and_without_yes_it_previews_and_refuses(cli):
    deployed_platform(cli)
    result = cli.dmesh("up", "domain_stacks/sales")
    assert result.returncode == 2
    assert "not a terminal" in result.stderr and "--yes" in result.stderr
    assert engine_calls(cli, "preview") and not engine_calls(cli, "up")


def _on_a_terminal(cli, answer: str, *args: str) -> tuple[int, str]:
    """Run dmesh with a pseudo-terminal as stdin and stdout, answering the confirmation."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "dmesh", *args], cwd=cli.home, env=cli.env, stdin=terminal, stdout=terminal,
                               stderr=subprocess.PIPE, text=True)
    os.close(terminal)
    seen = b""
    while b"[y/N]" not in seen:
        chunk = os.read(controller, 4096)
        assert chunk, "the confirmation was never asked"
        seen += chunk
    os.write(controller, f"{answer}\n".encode())
    try:
        while os.read(controller, 4096):
            pass
    except OSError:
        pass
    stderr = process.communicate(timeout=300)[1]
    os.close(controller)
    return process.returncode, seen.decode(errors="replace") + stderr


def test_on_a_terminal_it_asks_and_applies_only_on_yes(cli):
    deployed_platform(cli)
    code, text = _on_a_terminal(cli, "n", "up", "domain_stacks/sales")
    assert code == 1 and "Deploy these changes to 1 stack(s) of stack 'dev'?" in text and "cancelled" in text
    assert not engine_calls(cli, "up")
    code, text = _on_a_terminal(cli, "y", "up", "domain_stacks/sales")
    assert code == 0, text
    assert [folder for folder, _ in engine_calls(cli, "up")] == ["sales"]


def test_no_changes_means_no_update_and_no_question(cli):
    deployed_platform(cli)
    assert cli.dmesh("up", "domain_stacks/sales", "--yes").returncode == 0
    result = cli.dmesh("up", "domain_stacks/sales")  # no terminal, no --yes: nothing to confirm
    assert result.returncode == 0, result.stderr
    assert "no changes to deploy" in result.stderr
    assert len(engine_calls(cli, "up")) == 1


def test_a_stateful_replacement_is_highlighted_before_the_question(cli):
    deployed_platform(cli)
    cli.script("sales", steps=[{"op": "replace", "type": "aws:s3/bucket:Bucket", "name": "sales-orders-bucket"},
                               {"op": "update", "type": "aws:iam/role:Role", "name": "sales-producer"}])
    result = cli.dmesh("up", "domain_stacks/sales")
    assert result.returncode == 2
    assert "sales: 1 to update, 1 to replace" in result.stderr
    assert "DATA AT RISK: replace sales-orders-bucket (aws:s3/bucket:Bucket) holds a product's data" in result.stderr


def test_the_plugins_the_sdks_need_are_installed_first(cli):
    from importlib.metadata import version

    deployed_platform(cli)
    assert dict(required_plugins()) == {"aws": version("pulumi_aws"), "kubernetes": version("pulumi_kubernetes")}
    cli.dmesh("up", "domain_stacks/sales", "--yes")
    installs = [c for c in cli.commands() if c[:2] == ["plugin", "install"]]
    assert installs == [["plugin", "install", "resource", "aws", f"v{version('pulumi_aws')}"],
                        ["plugin", "install", "resource", "kubernetes", f"v{version('pulumi_kubernetes')}"]]


def test_a_plugin_that_cannot_be_installed_stops_before_any_stack_is_touched(cli):
    deployed_platform(cli)
    cli.set(offline=True)
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 1
    assert "cannot install the provider plugin aws v" in result.stderr and "--file" in result.stderr
    assert "no such host" in result.stderr and "Traceback" not in result.stderr
    assert not any(c[:1] in (["preview"], ["up"]) or c[:2] == ["stack", "init"] for c in cli.commands())


def test_a_mandatory_violation_found_offline_refuses_before_any_cli_call(cli):
    main = cli.home / "domain_stacks" / "sales" / "__main__.py"
    main.write_text(main.read_text() + "import pulumi_aws as aws\n"  # a bucket beside the components: no key, no access block
                    "aws.s3.Bucket('raw', bucket='dm-sales-raw-exports', tags={'dmesh:domain': 'sales'})\n")
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 1, result.stderr
    assert "mandatory policy violation(s) in sales; nothing was deployed" in result.stderr
    assert "[s3-encryption-customer-managed-kms] raw:" in result.stderr and "[s3-public-access-blocked] raw:" in result.stderr
    assert cli.calls() == []


def test_an_invalid_blueprint_refuses_before_any_cli_call(cli):
    blueprint = cli.home / "domain_stacks" / "sales" / "domain.yaml"
    blueprint.write_text(blueprint.read_text().replace("freshnessHours: 24", "freshnessHours: -3", 1))
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 2
    assert "domain.yaml:" in result.stderr and "freshnessHours" in result.stderr
    assert cli.calls() == []


def test_a_failed_update_exits_1_and_shows_the_cli_error_once(cli):
    deployed_platform(cli)
    cli.script("sales", fail=["up"], message="creating S3 Bucket (dm-sales-orders): BucketAlreadyExists")
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 1
    assert result.stderr.count("BucketAlreadyExists") == 1  # the CLI's own line, streamed as it happened
    assert "`pulumi up` of sales failed (exit 255): its errors are shown above" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


def test_a_domain_before_its_platform_stack_is_told_how_to_fix_it(cli):
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert "the platform stack 'dev' is not deployed" in text and "dmesh up --platform --stack dev" in text
    assert not engine_calls(cli, "preview")


def test_a_platform_stack_exporting_other_buckets_is_named(cli):
    cli.script("dmesh-platform", outputs={"catalogBucket": "someone-elses-catalog", "auditBucket": naming.AUDIT_BUCKET})
    assert cli.dmesh("up", ".", "--yes").returncode == 0
    result = cli.dmesh("up", "domain_stacks/sales", "--yes")
    assert result.returncode == 1
    text = " ".join(result.stderr.split())
    assert f"catalogBucket is 'someone-elses-catalog', the domains use '{naming.CATALOG_BUCKET}'" in text
    assert "auditBucket" not in text.split("catalogBucket is")[1].split(".")[0]


def test_an_older_cli_that_still_fits_the_sdk_streams_its_events_through_a_file(cli):
    """CLIs up to 3.205 get a file for the engine events instead of the gRPC stream; the change summary is the same."""
    deployed_platform(cli)
    result = cli.dmesh("up", "domain_stacks/sales", "--yes", env={"STANDIN_VERSION": "3.200.0"})
    assert result.returncode == 0, result.stderr
    [(_, preview)] = engine_calls(cli, "preview")
    assert not preview[preview.index("--event-log") + 1].startswith("tcp://")
    assert "sales: 2 to create" in result.stderr


def test_a_cli_too_old_for_the_sdk_is_named_with_exit_2(cli):
    result = cli.dmesh("up", ".", "--yes", env={"STANDIN_VERSION": "2.25.0"})
    assert result.returncode == 2
    assert "the Pulumi CLI on PATH does not fit the SDK" in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert [c["argv"] for c in cli.calls()] == [["version"]]
