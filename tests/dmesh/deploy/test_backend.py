"""State backend and secrets: settled before any CLI call, each missing value named in one message."""

from __future__ import annotations

import json

import pytest

from dmesh.deploy.backend import LOCAL_BACKEND, resolve_backend
from dmesh.deploy.errors import INVALID, DeployError


def test_the_flag_wins_over_the_environment_and_a_login(tmp_path):
    env = {"PULUMI_BACKEND_URL": "s3://from-env", "PULUMI_CONFIG_PASSPHRASE": "x"}
    backend = resolve_backend(f"file://{tmp_path}", None, local=False, environ=env)
    assert backend.url == f"file://{tmp_path}" and backend.source == "--backend"
    assert backend.env["PULUMI_BACKEND_URL"] == f"file://{tmp_path}"
    assert backend.env["PULUMI_EXPERIMENTAL"] == "true"  # update plans sit behind it
    assert resolve_backend(None, None, local=False, environ=env).url == "s3://from-env"


def test_the_backend_of_pulumi_login_is_used_when_nothing_else_names_one(tmp_path):
    home = tmp_path / ".pulumi"
    home.mkdir()
    (home / "credentials.json").write_text(json.dumps({"current": "s3://logged-in-state", "accessTokens": {}}))
    backend = resolve_backend(None, None, local=False, environ={"PULUMI_HOME": str(home), "PULUMI_CONFIG_PASSPHRASE": ""})
    assert backend.url == "s3://logged-in-state" and backend.source == "`pulumi login`"


def test_local_use_defaults_to_a_folder_beside_the_clone():
    backend = resolve_backend(None, None, local=True, environ={"HOME": "/nonexistent", "PULUMI_CONFIG_PASSPHRASE": ""})
    assert backend.url == f"file://{LOCAL_BACKEND}"


def test_a_relative_file_backend_becomes_absolute_so_every_stack_shares_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    backend = resolve_backend("file://./state", None, local=False, environ={"PULUMI_CONFIG_PASSPHRASE": ""})
    assert backend.url == f"file://{tmp_path / 'state'}"


@pytest.mark.parametrize(("backend", "secrets", "environ", "expected"), [
    (None, None, {"HOME": "/nonexistent"}, "no Pulumi state backend: pass --backend URL"),
    ("ftp://state", None, {}, "--backend: 'ftp://state' is not a Pulumi backend URL"),
    ("file://", None, {}, "--backend: 'file://' is not a Pulumi backend URL"),
    ("not a url", None, {}, "is not a Pulumi backend URL"),
    ("s3://state", None, {}, "encrypted with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE"),
    ("s3://state", "passphrase", {}, "set PULUMI_CONFIG_PASSPHRASE"),
    ("s3://state", None, {"PULUMI_CONFIG_PASSPHRASE_FILE": "/nonexistent/passphrase"}, "is not a readable file"),
    ("s3://state", "rot13://x", {}, "--secrets-provider: 'rot13://x' is not a Pulumi secrets provider"),
])
def test_a_missing_or_bad_value_is_named(backend, secrets, environ, expected):
    with pytest.raises(DeployError) as raised:
        resolve_backend(backend, secrets, local=False, environ=environ)
    assert expected in str(raised.value) and raised.value.code == INVALID


def test_a_file_where_the_state_folder_should_be_is_refused(tmp_path):
    (tmp_path / "state").write_text("")
    with pytest.raises(DeployError, match="is a file, not a folder"):
        resolve_backend(f"file://{tmp_path / 'state'}", None, local=False, environ={"PULUMI_CONFIG_PASSPHRASE": ""})


@pytest.mark.parametrize(("backend", "secrets"), [("s3://state", "awskms://alias/dmesh?region=eu-west-1"),
                                                 ("https://api.pulumi.com", None)])
def test_no_passphrase_is_needed_with_a_key_service_or_pulumi_cloud(backend, secrets):
    assert resolve_backend(backend, secrets, local=False, environ={}).secrets_provider == secrets


def test_an_empty_passphrase_is_a_set_passphrase():
    assert resolve_backend("s3://state", None, local=False, environ={"PULUMI_CONFIG_PASSPHRASE": ""}).url == "s3://state"


# through the command line: the message comes before any CLI call


def _without(cli, *names: str) -> dict[str, str]:
    return {k: v for k, v in cli.env.items() if k not in names}


def test_up_without_a_backend_says_so_before_calling_the_cli(cli):
    env = _without(cli, "PULUMI_BACKEND_URL")
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "dmesh", "up", "domain_stacks/sales", "--yes"], capture_output=True, text=True,
                            cwd=cli.home, env=env, timeout=120)
    assert result.returncode == 2
    assert "no Pulumi state backend: pass --backend URL" in " ".join(result.stderr.split())
    assert cli.calls() == []


def test_up_without_a_passphrase_says_so_before_calling_the_cli(cli):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "dmesh", "up", "domain_stacks/sales", "--yes"], capture_output=True, text=True,
                            cwd=cli.home, env=_without(cli, "PULUMI_CONFIG_PASSPHRASE"), timeout=120)
    assert result.returncode == 2
    assert "set PULUMI_CONFIG_PASSPHRASE" in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert cli.calls() == []


def test_a_secrets_provider_is_given_to_the_new_stack_and_a_passphrase_file_passed_through(cli, tmp_path):
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("from-a-file")
    env = {**_without(cli, "PULUMI_CONFIG_PASSPHRASE"), "PULUMI_CONFIG_PASSPHRASE_FILE": str(passphrase)}
    cli.script("dmesh-platform", outputs={})
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "dmesh", "up", ".", "--yes", "--secrets-provider", "awskms://alias/dmesh?region=eu-west-1"],
                            capture_output=True, text=True, cwd=cli.home, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    [init] = [c for c in cli.commands() if c[:2] == ["stack", "init"]]
    assert init == ["stack", "init", "dev", "--secrets-provider", "awskms://alias/dmesh?region=eu-west-1"]
    assert all(c["passphrase"] for c in cli.calls())


def test_the_backend_flag_reaches_every_cli_call(cli, tmp_path):
    cli.script("dmesh-platform", outputs={})
    result = cli.dmesh("up", ".", "--yes", "--backend", f"file://{tmp_path / 'other-state'}")
    assert result.returncode == 0, result.stderr
    assert {c["env"].get("PULUMI_BACKEND_URL") for c in cli.calls() if c["argv"] != ["version"]} == {f"file://{tmp_path / 'other-state'}"}
    assert (tmp_path / "other-state").is_dir()  # a file backend's folder is made, as `pulumi login file://` requires
