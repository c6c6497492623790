"""A copy of the repository's deploy layout (platform project beside the example mesh) and a stand-in `pulumi` on PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
STANDIN = Path(__file__).with_name("standin_pulumi.py")


@dataclass
class Cli:
    """The stand-in's state and log, and a way to run `dmesh` with it first on PATH."""

    home: Path
    bin: Path
    state: Path
    log: Path
    env: dict[str, str]

    def script(self, project: str, **entry) -> None:
        state = json.loads(self.state.read_text()) if self.state.is_file() else {}
        state.setdefault("script", {})[project] = entry
        self.state.write_text(json.dumps(state))

    def set(self, **values) -> None:
        state = json.loads(self.state.read_text()) if self.state.is_file() else {}
        state.update(values)
        self.state.write_text(json.dumps(state))

    def calls(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.is_file() else []

    def commands(self) -> list[list[str]]:
        """Each recorded command line without the flags every call carries."""
        return [[a for a in c["argv"] if a != "--non-interactive"] for c in self.calls()]

    def stacks(self) -> dict:
        return json.loads(self.state.read_text()).get("stacks", {})

    def dmesh(self, *args: str, env: dict[str, str] | None = None, stdin=None, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=self.home,
                              env={**self.env, **(env or {})}, stdin=stdin if stdin is not None else subprocess.DEVNULL, timeout=timeout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    home = tmp_path / "repo"
    home.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml"):
        shutil.copy(REPO / name, home / name)
    shutil.copytree(REPO / "platform" / "stack", home / "platform" / "stack", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "domain_stacks", home / "domain_stacks", ignore=shutil.ignore_patterns("__pycache__", "Pulumi.local.yaml"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pulumi = bin_dir / "pulumi"
    pulumi.write_text(f"#!/bin/sh\nexec {sys.executable} {STANDIN} \"$@\"\n")
    pulumi.chmod(0o755)
    state, log = tmp_path / "standin-state.json", tmp_path / "standin-log.jsonl"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PULUMI_")}
    env.update({"PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path / "home"),
                "STANDIN_STATE": str(state), "STANDIN_LOG": str(log), "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}",
                "PULUMI_CONFIG_PASSPHRASE": "test-only"})
    return Cli(home, bin_dir, state, log, env)
