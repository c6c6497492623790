"""`--local`: one stack config for `dmesh local pulumi-config` and `dmesh up --local`, Glue at moto, an explicit local cluster."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from blueprints import naming
from dmesh.local import LOCALSTACK_SERVICES
from dmesh.local_config import Emulators, LocalConfigError, local_stack_config, write_local_config

PLATFORM_OUTPUTS = {"catalogBucket": naming.CATALOG_BUCKET, "auditBucket": naming.AUDIT_BUCKET}
EXAMPLE = Path(__file__).resolve().parents[3] / "domain_stacks"


def _config(folder: Path) -> dict:
    return YAML(typ="safe").load((folder / "Pulumi.local.yaml").read_text())


def test_each_service_points_at_the_emulator_that_serves_it():
    config = local_stack_config(EXAMPLE / "sales", Emulators("http://127.0.0.1:4566", "http://127.0.0.1:5000"), "kind-dmesh-local")
    [endpoints] = config["aws:endpoints"]
    assert endpoints["glue"] == "http://127.0.0.1:5000"  # community LocalStack has no Glue: moto serves it
    assert all(endpoints[s] == "http://127.0.0.1:4566" for s in LOCALSTACK_SERVICES)
    assert config["kubernetes:context"] == "kind-dmesh-local"  # never the dev stack's dmesh-dev
    assert config["dmesh:accountId"] == "123456789012"  # the domain's own settings are kept
    for key in ("aws:s3UsePathStyle", "aws:skipCredentialsValidation", "aws:skipRequestingAccountId", "aws:skipMetadataApiCheck"):
        assert config[key] == "true"


@pytest.mark.parametrize(("context", "expected"), [(None, "kind create cluster --name dmesh-local"), ("", "--kube-context"),
                                                   ("my cluster", "is not a kubeconfig context name"),
                                                   ("-oops", "is not a kubeconfig context name"),
                                                   ("kind-dmesh-local\n", "is not a kubeconfig context name")])
def test_a_local_config_needs_a_named_local_context(context, expected):
    with pytest.raises(LocalConfigError, match=expected):
        local_stack_config(EXAMPLE / "sales", Emulators(), context)


def test_rewriting_keeps_what_the_cli_stored_in_the_file(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n  kubernetes:context: dmesh-dev\n")
    (tmp_path / "Pulumi.local.yaml").write_text("encryptionsalt: v1:abc:def\nconfig:\n  old:key: gone\n")
    write_local_config(tmp_path, Emulators(), "k3d-dmesh-local")
    written = _config(tmp_path)
    assert written["encryptionsalt"] == "v1:abc:def"
    assert "old:key" not in written["config"] and written["config"]["kubernetes:context"] == "k3d-dmesh-local"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left behind


@pytest.mark.parametrize(("dev", "local", "message"), [
    ("config: [1]\n", None, "Pulumi.dev.yaml: config must be a mapping, not [1]"),
    ("config: abc\n", None, "Pulumi.dev.yaml: config must be a mapping, not 'abc'"),
    ("- config\n", None, "Pulumi.dev.yaml: the document must be a mapping"),
    ("config: {a: [\n", None, "Pulumi.dev.yaml: cannot read"),
    ("config: {}\n", "- 1\n", "Pulumi.local.yaml: the document must be a mapping"),
    ("config: {}\n", "config: {a: [\n", "Pulumi.local.yaml: cannot read"),
])
def test_stack_files_of_the_wrong_shape_are_named_and_nothing_is_written(tmp_path, dev, local, message):
    (tmp_path / "Pulumi.dev.yaml").write_text(dev)
    if local is not None:
        (tmp_path / "Pulumi.local.yaml").write_text(local)
    with pytest.raises(LocalConfigError, match=message.replace("[", r"\[")):
        write_local_config(tmp_path, Emulators(), "kind-dmesh-local")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["Pulumi.dev.yaml"] + (["Pulumi.local.yaml"] if local else []))
    if local is not None:
        assert (tmp_path / "Pulumi.local.yaml").read_text() == local


def test_up_local_with_a_dev_stack_file_of_the_wrong_shape_deploys_nothing(cli):
    (cli.home / "domain_stacks" / "sales" / "Pulumi.dev.yaml").write_text("config: [1]\n")
    result = cli.dmesh("up", "domain_stacks/sales", "--local", "--kube-context", "kind-dmesh-local", "--yes")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "config must be a mapping" in " ".join(result.stderr.split())
    assert cli.calls() == []


def test_up_local_uses_the_same_file_as_pulumi_config_and_stack_local(cli):
    expected = {}
    for folder in (".", "domain_stacks/sales"):
        result = cli.dmesh("local", "pulumi-config", folder, "--kube-context", "kind-dmesh-local")
        assert result.returncode == 0, result.stderr
        expected[folder] = (cli.home / folder / "Pulumi.local.yaml").read_text()
        (cli.home / folder / "Pulumi.local.yaml").unlink()
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    for folder in (".", "domain_stacks/sales"):
        result = cli.dmesh("up", folder, "--local", "--kube-context", "kind-dmesh-local", "--yes")
        assert result.returncode == 0, result.stderr
        assert (cli.home / folder / "Pulumi.local.yaml").read_text() == expected[folder]
    stacks = {c[c.index("--stack") + 1] for c in cli.commands() if "--stack" in c}
    assert stacks == {"local"}


def test_an_explicit_stack_is_kept_with_local(cli):
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    result = cli.dmesh("up", ".", "--local", "--kube-context", "kind-dmesh-local", "--stack", "mine", "--yes")
    assert result.returncode == 0, result.stderr
    assert {c[c.index("--stack") + 1] for c in cli.commands() if "--stack" in c} == {"mine"}
    assert (cli.home / "Pulumi.mine.yaml").is_file()


def test_up_local_without_a_context_says_how_to_make_one(cli):
    result = cli.dmesh("up", "domain_stacks/sales", "--local", "--yes")
    assert result.returncode == 2
    assert "kind create cluster --name dmesh-local" in " ".join(result.stderr.split())
    assert cli.calls() == [] and not (cli.home / "domain_stacks" / "sales" / "Pulumi.local.yaml").exists()


def test_a_context_without_local_is_refused(cli):
    result = cli.dmesh("up", "domain_stacks/sales", "--kube-context", "kind-dmesh-local", "--yes")
    assert result.returncode == 2 and "--kube-context is for --local" in result.stderr


def test_pulumi_config_without_a_context_says_how_to_make_one(cli):
    result = cli.dmesh("local", "pulumi-config", "domain_stacks/sales")
    assert result.returncode == 2 and "kind create cluster" in " ".join(result.stderr.split())


def test_local_never_writes_the_dev_stacks_config(cli):
    before = (cli.home / "domain_stacks" / "sales" / "Pulumi.dev.yaml").read_text()
    result = cli.dmesh("up", "domain_stacks/sales", "--local", "--kube-context", "kind-dmesh-local", "--stack", "dev", "--yes")
    assert result.returncode == 2 and "stack 'dev' cannot hold a local config" in result.stderr
    assert (cli.home / "domain_stacks" / "sales" / "Pulumi.dev.yaml").read_text() == before
    with pytest.raises(LocalConfigError, match="cannot hold a local config"):
        write_local_config(cli.home / "domain_stacks" / "sales", Emulators(), "kind-dmesh-local", "dev")
    with pytest.raises(LocalConfigError, match="cannot hold a local config"):
        write_local_config(cli.home / "domain_stacks" / "sales", Emulators(), "kind-dmesh-local", "../../escape")


def test_localstack_is_given_the_domains_account_as_its_access_key():
    """LocalStack uses a 12-digit access key id as the account: its ARNs then match those built from dmesh:accountId."""
    config = local_stack_config(EXAMPLE / "sales", Emulators(), "kind-dmesh-local")
    assert config["aws:accessKey"] == config["dmesh:accountId"] == "123456789012"


def test_the_compose_file_serves_glue_where_the_local_config_points_it():
    compose = YAML(typ="safe").load((EXAMPLE.parent / "localstack" / "docker-compose.yml").read_text())
    [ports] = compose["services"]["moto"]["ports"]
    assert Emulators().endpoints()["glue"] == f"http://{ports.rsplit(':', 1)[0]}"


def test_a_qualified_stack_name_writes_the_settings_file_the_cli_reads(cli):
    """The CLI names Pulumi.<stack>.yaml after the last part of org/project/stack; the dev stack's file stays untouched."""
    result = cli.dmesh("up", ".", "--local", "--kube-context", "kind-dmesh-local", "--stack", "acme/dmesh-platform/dev", "--yes")
    assert result.returncode == 2 and "cannot hold a local config" in result.stderr and "Traceback" not in result.stderr
    assert cli.calls() == []
    cli.script("dmesh-platform", outputs=PLATFORM_OUTPUTS)
    result = cli.dmesh("up", ".", "--local", "--kube-context", "kind-dmesh-local", "--stack", "acme/dmesh-platform/mine", "--yes")
    assert result.returncode == 0, result.stderr
    assert (cli.home / "Pulumi.mine.yaml").is_file() and not (cli.home / "acme").exists()
