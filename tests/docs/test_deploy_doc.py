"""docs/deploy.md uses only commands that exist: each `dmesh` line parses against the CLI, each other line is Pulumi's, docker's or kind's."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import typer

from dmesh.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
OTHERS = {"pulumi", "docker", "kind", "source", "export"}


def _commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), re.DOTALL)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_every_command_of_the_walkthrough_is_the_projects_or_pulumis():
    commands = _commands()
    assert len([c for c in commands if c[0] == "dmesh"]) >= 9
    root = typer.main.get_command(app)
    for words in commands:
        if words[0] != "dmesh":
            assert words[0] in OTHERS, words
            continue
        command, args = root, words[1:]
        while hasattr(command, "list_commands"):  # a group (typer ships its own click, so no isinstance on click's classes)
            command, args = command.get_command(command.make_context(words[0], [args[0]], resilient_parsing=True), args[0]), args[1:]
            assert command is not None, words
        command.make_context(words[0], list(args))  # raises on an unknown option or a bad value
