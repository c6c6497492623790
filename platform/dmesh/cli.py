"""The `dmesh` command line: one entry point for domain teams and the platform team."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from blueprints import document_json_schema

from .validation import UsageError, resolve_target, validate_mesh

app = typer.Typer(
    help="Self-serve data mesh platform. Example: `dmesh validate domain_stacks`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"


def _usage_error(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(2)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Mesh root or one domain folder.")] = Path("domain_stacks"),
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="text (stderr) or json (stdout).")] = ValidateFormat.text,
) -> None:
    """Check blueprints, contracts and cross-domain rules; writes nothing. Example: `dmesh validate domain_stacks/sales`."""
    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    mesh, findings = validate_mesh(target)
    if format is ValidateFormat.json:
        typer.echo(json.dumps({"valid": not findings, "errors": [f.as_dict() for f in findings]}, indent=2))
    else:
        for finding in findings:
            print(finding.render(Path.cwd()), file=sys.stderr)
        checked = 1 if target.domain else len(mesh.domains) + len(mesh.broken)
        status = "valid" if not findings else f"{len(findings)} error(s)"
        print(f"{checked} domain(s) checked: {status}", file=sys.stderr)
    raise typer.Exit(1 if findings else 0)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of domain.yaml for editors. Example: `dmesh schema -o domain_stacks/domain.schema.json`."""
    text = json.dumps(document_json_schema(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def rules() -> None:
    """List the governance rules with their mesh-wide level. Example: `dmesh rules`."""
    from rich.table import Table

    from .governance.catalog import RULES
    from .governance.config import load_platform_config

    config = load_platform_config()
    table = Table("rule", "level", "scope", "what it requires")
    for rule in RULES:
        table.add_row(rule.name, config[rule.name]["enforcementLevel"], rule.scope, rule.description)
    Console().print(table)


def main() -> None:
    app()
