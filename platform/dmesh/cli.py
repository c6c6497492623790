"""The `dmesh` command line: one entry point for domain teams and the platform team."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

# Only what `--help` needs is imported here: blueprints (pydantic, ODCS, jsonschema), the rule book (parliament) and
# rich's console load in the verbs that use them, so `dmesh --help` and a clean `dmesh validate` stay fast.


def _console(**options: object) -> Console:
    from rich.console import Console

    return Console(**options)  # type: ignore[arg-type]


app = typer.Typer(
    help="Self-serve data mesh platform. Example: `dmesh validate domain_stacks`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"dmesh {version('datamesh-platform')}")
        except PackageNotFoundError:
            typer.echo("dmesh (not installed as a distribution)")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[bool | None, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Self-serve data mesh platform. Example: `dmesh validate domain_stacks`."""


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _emit(text: str, output: Path | None) -> None:
    """A command's document: on stdout, or into the file `--output` names (checked before the work started)."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _checked_output(output: Path | None) -> Path | None:
    from .validation import UsageError, output_file

    try:
        return output_file(output)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None


def _usage_error(message: str) -> typer.Exit:
    from rich.markup import escape

    # messages quote user input (paths, values): a `[...]` in them is text, never markup
    _console(stderr=True).print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Mesh root or one domain folder.")] = Path("domain_stacks"),
    format: Annotated[ValidateFormat, typer.Option("--format", "-f", help="text (stderr) or json (stdout).")] = ValidateFormat.text,
    against: Annotated[str | None, typer.Option("--against", help="Git revision: every contract changed since must bump its major "
                                                                    "version when it breaks consumers.")] = None,
) -> None:
    """Check blueprints, contracts and cross-domain rules; writes nothing. Example: `dmesh validate domain_stacks/sales --against origin/main`."""
    from .validation import UsageError, resolve_target, validate_mesh

    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    from .governance.config import mesh_levels

    mesh, findings = validate_mesh(target, _governance(mesh_levels))
    if against is not None:
        from blueprints import load_mesh

        from .contract_history import HistoryError, breaking_without_major

        try:
            history = breaking_without_major(target.domain or target.root, against,
                                             (lambda: mesh.domains) if target.domain is None else lambda: load_mesh(target.root, {}).domains)
        except HistoryError as exc:
            raise _usage_error(str(exc)) from None
        findings = [*findings, *history]
    findings = sorted(findings, key=lambda f: (str(f.file), f.line, f.field, f.message))
    warnings = _deprecation_warnings(mesh, target)
    if format is ValidateFormat.json:
        typer.echo(json.dumps({"valid": not findings, "errors": [f.as_dict() for f in findings], "warnings": [w.as_dict() for w in warnings]},
                              indent=2))
    else:
        for finding in findings:
            print(finding.render(Path.cwd()), file=sys.stderr)
        for warning in warnings:
            print(f"warning: {warning.render(Path.cwd())}", file=sys.stderr)
        checked = 1 if target.domain else len(mesh.domains) + len(mesh.broken)
        status = "valid" if not findings else f"{len(findings)} error(s)"
        print(f"{checked} domain(s) checked: {status}", file=sys.stderr)
    raise typer.Exit(1 if findings else 0)


def _deprecation_warnings(mesh, target) -> list:
    """Domains on a deprecated preset: a warning with the preset's message, never an error (exit code unchanged)."""
    from blueprints import Finding

    warnings = []
    for spec in sorted(mesh.domains.values(), key=lambda s: s.name):
        if spec.deprecation and (target.domain is None or spec.folder == target.domain):
            warnings.append(Finding(spec.file, spec.line_of("spec.blueprint"), "spec.blueprint",
                                    f"preset {spec.preset} is deprecated: {spec.deprecation}", "`dmesh upgrade status` shows the newer presets"))
    return warnings


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of domain.yaml for editors. Example: `dmesh schema -o domain_stacks/domain.schema.json`."""
    output = _checked_output(output)
    from blueprints import document_json_schema

    text = json.dumps(document_json_schema(), indent=2) + "\n"
    _emit(text, output)


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


class RulesFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


@app.command()
def rules(
    format: Annotated[RulesFormat, typer.Option("--format", "-f", help="table, markdown (the README's table) or json.")] = RulesFormat.table,
) -> None:
    """List the governance rules with their mesh-wide level (platform config over the code defaults). Example: `dmesh rules`."""
    from .governance.config import mesh_levels
    from .governance.rulebook import RULES
    from .rules_report import render_json, render_markdown, rows

    levels = _governance(mesh_levels)
    if format is RulesFormat.markdown:
        typer.echo(render_markdown(RULES, levels), nl=False)
        return
    if format is RulesFormat.json:
        typer.echo(render_json(RULES, levels), nl=False)
        return
    from rich.table import Table

    table = Table("rule", "level", "severity", "scope", "what it requires")
    table.columns[0].no_wrap = True
    for row in rows(RULES, levels):
        table.add_row(str(row["name"]), str(row["level"]), str(row["severity"]), str(row["scope"]), str(row["description"]))
    _console().print(table)


def _governance(load):
    """Read the platform's policy config; a broken one is a usage error with its file named, never a traceback."""
    from .governance.config import GovernanceConfigError

    try:
        return load()
    except GovernanceConfigError as exc:
        raise _usage_error(str(exc)) from None


class PreviewFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


def _write_review(report, format: PreviewFormat, output: Path | None, rule_levels: Callable[[], Mapping[str, str]]) -> None:
    """A review report in the chosen format, on stdout or into `output` (the rule levels are read only for SARIF)."""
    from .review.report import render_json, render_markdown, render_sarif
    from .review.terminal import print_report

    base = Path.cwd()
    if format is PreviewFormat.table:
        if output is None:
            print_report(report, _console())
        else:
            with output.open("w", encoding="utf-8") as handle:
                print_report(report, _console(file=handle, width=160, no_color=True))
        return
    text = {PreviewFormat.json: render_json, PreviewFormat.markdown: lambda r: render_markdown(r, base),
            PreviewFormat.sarif: lambda r: render_sarif(r, base, rule_levels())}[format](report)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


@app.command()
def preview(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Mesh root, one domain folder, or any Pulumi Python project.")] = Path("domain_stacks"),
    format: Annotated[PreviewFormat, typer.Option("--format", "-f", help="table, json, markdown or sarif.")] = PreviewFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    stack: Annotated[str, typer.Option("--stack", "-s", help="Stack whose Pulumi.<stack>.yaml config is used.")] = "dev",
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Programs run in parallel (default: CPU count).")] = None,
    shard: Annotated[str | None, typer.Option("--shard", help="Review only part I of N (e.g. 2/4), for a CI job matrix; "
                                                              "`dmesh report merge` joins the parts.")] = None,
) -> None:
    """Policy-as-code review offline: run each program under mocks and judge it with the real policy pack.

    Exit 0 when clean, 1 on a mandatory violation, 2 on invalid input or a failing program.
    Example: `dmesh preview domain_stacks --format sarif -o review.sarif`.
    """
    from .review.workers import Workers

    # The forking worker starts before anything else loads, so its imports overlap the rest of the start-up: the
    # executable started it before the command line loaded (`entry.py`); called otherwise (tests, `app()`), it starts
    # here, before the checks below load the blueprints (1.40 s -> 1.32 s). The review stops it.
    workers = ctx.obj if isinstance(ctx.obj, Workers) else Workers.for_review() if path.is_dir() else None
    try:
        output = _checked_output(output)
        part = None
        if shard is not None:
            from .review.shard import parse

            try:
                part = parse(shard)
            except ValueError as exc:
                raise _usage_error(str(exc)) from None

        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from .governance.config import load_platform_config, levels
        from .review.runner import review
        from .validation import UsageError

        platform_config = _governance(load_platform_config)
        err = _console(stderr=True)
        signal.signal(signal.SIGTERM, _interrupt)  # a CI job cancelled: stop the workers as Ctrl-C would
        try:
            if err.is_terminal:
                with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                              console=err, transient=True) as bar:
                    task = bar.add_task("running programs under mocks", total=None)
                    report = review(path, platform_config, stack, jobs,
                                    lambda msg, total: bar.update(task, description=msg, total=total, advance=1), part, workers)
            else:
                report = review(path, platform_config, stack, jobs, shard=part, workers=workers)
        except UsageError as exc:
            raise _usage_error(str(exc)) from None
        except KeyboardInterrupt:
            err.print("interrupted: the review was stopped and its workers ended", highlight=False)
            raise typer.Exit(130) from None
    finally:  # a usage or configuration error before the review: its workers end here
        if workers is not None:
            workers.stop()
    _write_review(report, format, output, lambda: levels(platform_config))
    if output is not None:
        s = report.summary
        err.print(f"wrote {output}: {s.mandatory} mandatory, {s.advisory} advisory, {s.errors} error(s)", highlight=False)
    raise typer.Exit(report.exit_code)


report_app = typer.Typer(help="Review reports. Example: `dmesh report merge shard-*.json -f sarif -o review.sarif`.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("merge")
def report_merge(
    reports: Annotated[list[Path], typer.Argument(help="The JSON reports of the shards (`dmesh preview --shard I/N -f json`).")],
    format: Annotated[PreviewFormat, typer.Option("--format", "-f", help="json, markdown, sarif or table.")] = PreviewFormat.json,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the merged report to this file.")] = None,
) -> None:
    """One report from the shards of a review, with the summary and exit code of an unsharded run."""
    from pydantic import ValidationError

    from .governance.config import levels, load_platform_config
    from .review.report import ReviewReport, merge

    output = _checked_output(output)
    parts = []
    for file in reports:
        if not file.is_file():
            raise _usage_error(f"{file}: no such report")
        try:
            parts.append(ReviewReport.model_validate_json(file.read_text(encoding="utf-8")))
        except (ValidationError, UnicodeDecodeError) as exc:
            raise _usage_error(f"{file}: not a dmesh preview JSON report ({str(exc).splitlines()[0]})") from None
    merged = merge(parts)
    _write_review(merged, format, output, lambda: levels(_governance(load_platform_config)))
    raise typer.Exit(merged.exit_code)


@app.command("policy-config")
def policy_config(
    domain: Annotated[Path, typer.Argument(help="Domain folder.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print a domain's effective policy config for `pulumi up --policy-pack-config`. Example: `dmesh policy-config domain_stacks/sales -o policy.json`."""
    from blueprints import DOMAIN_FILE, BlueprintError, load_domain, load_presets

    from .governance.config import GovernanceConfigError, effective_config, load_platform_config

    output = _checked_output(output)
    platform_config = _governance(load_platform_config)
    if not (domain / DOMAIN_FILE).is_file():
        raise _usage_error(f"{domain} is not a domain folder (no domain.yaml)")
    try:
        spec = load_domain(domain, load_presets())
        text = json.dumps(effective_config(platform_config, spec.overrides), indent=2) + "\n"
    except (BlueprintError, GovernanceConfigError) as exc:
        raise _usage_error(str(exc)) from None
    _emit(text, output)


@app.command()
def init(
    domain: Annotated[str, typer.Argument(help="New domain name ([a-z][a-z0-9-]*, 3-24 chars).")],
    owner: Annotated[str | None, typer.Option(help="Owning team's e-mail.")] = None,
    cost_center: Annotated[str | None, typer.Option("--cost-center", help="Cost center charged for the domain.")] = None,
    preset: Annotated[str | None, typer.Option(help="Golden-path preset <name>@<major> (blueprints/presets/; default batch@1).")] = None,
    product: Annotated[str | None, typer.Option(help="First data product's name.")] = None,
    classification: Annotated[str | None, typer.Option(help="Its classification (public < internal < confidential < restricted).")] = None,
    mesh_root: Annotated[Path, typer.Option("--mesh-root", help="Mesh root holding the domains.")] = Path("domain_stacks"),
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; fail when a required value is missing.")] = False,
) -> None:
    """Onboard a domain in one step: blueprint, starter contract, Pulumi project, README and CI workflow.

    Example: `dmesh init finance --owner finance-data@acme.example --cost-center CC-5001 --preset batch@1 --product ledger`.
    """
    from .onboarding import OnboardingError, init_domain

    if not mesh_root.is_dir():
        raise _usage_error(f"no such mesh root: {mesh_root}")
    from blueprints import load_presets
    from blueprints.vocabulary import CLASSIFICATIONS

    interactive = not no_input and sys.stdin.isatty()
    asked = {"owner": owner, "cost_center": cost_center, "preset": preset, "product": product, "classification": classification}
    defaults = {"preset": "batch@1", "product": "first-product", "classification": "internal"}
    prompts = {"owner": "Owning team's e-mail", "cost_center": "Cost center", "preset": f"Preset ({', '.join(sorted(load_presets()))})",
               "product": "First data product", "classification": f"Classification ({', '.join(CLASSIFICATIONS)})"}
    values = {"domain": domain}
    for key, value in asked.items():
        if value is None and interactive:
            value = typer.prompt(prompts[key], default=defaults.get(key))
        if value is None:
            value = defaults.get(key)
        if value is None:
            raise _usage_error(f"--{key.replace('_', '-')} is required (or run on a terminal without --no-input to be asked)")
        values[key] = value
    try:
        folder, workflow, _ = init_domain(mesh_root, values)
    except OnboardingError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise typer.Exit(2) from None
    created = sorted(str(p.relative_to(mesh_root)) for p in folder.rglob("*") if p.is_file())
    print(f"Created domain {domain!r} in {folder} and validated it with the mesh:")
    for path in created:
        print(f"  {path}")
    print(f"and its pull-request workflow {workflow}")
    print("Next steps:")
    print(f"  1. describe the product's columns in {mesh_root}/{domain}/contracts/{values['product']}.odcs.yaml")
    print(f"  2. dmesh validate {mesh_root}/{domain} && dmesh preview {mesh_root}/{domain}")
    print(f"  3. commit and open a pull request; deploy with `pulumi up` as {mesh_root}/{domain}/README.md shows")


class LineageFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"
    html = "html"


@app.command()
def lineage(
    product: Annotated[str | None, typer.Argument(help="Focus on DOMAIN.PRODUCT (default: the whole mesh).")] = None,
    upstream: Annotated[bool, typer.Option("--upstream", help="Only what the product reads, transitively.")] = False,
    downstream: Annotated[bool, typer.Option("--downstream", help="Only what reads the product, transitively.")] = False,
    depth: Annotated[int | None, typer.Option("--depth", min=1, help="How many hops from the product.")] = None,
    format: Annotated[LineageFormat, typer.Option("--format", "-f", help="mermaid (renders in GitHub Markdown), dot, json or html (one self-contained page).")] = LineageFormat.mermaid,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    mesh_root: Annotated[Path, typer.Option("--mesh-root", help="Mesh root holding the domains.")] = Path("domain_stacks"),
) -> None:
    """Lineage over the whole mesh: each product with its classification and owner, each edge with the ports it reads.

    Example: `dmesh lineage ml-features.churn-scores --upstream -f mermaid`.
    """
    from blueprints import ProductRef, load_mesh
    from blueprints.models import PRODUCT_REF

    from .lineage import around, mesh_graph, render_dot, render_json, render_mermaid
    from .validation import UsageError, resolve_target

    output = _checked_output(output)
    try:
        root = resolve_target(mesh_root).root
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    domains = load_mesh(root, {}).domains
    graph = mesh_graph(domains)
    if product is not None:
        import re

        if not re.fullmatch(PRODUCT_REF, product):
            raise _usage_error(f"{product!r} is not DOMAIN.PRODUCT (e.g. sales.orders)")
        focus = ProductRef.parse(product)
        if focus not in {n.ref for n in graph.nodes}:
            raise _usage_error(f"no product {product} in {root}; `dmesh lineage` without a product shows them all")
        graph = around(graph, focus, upstream or not downstream, downstream or not upstream, depth)
    elif upstream or downstream or depth is not None:
        raise _usage_error("--upstream, --downstream and --depth need a product to start from")
    if format is LineageFormat.html:
        from .lineage_html import render_html

        text = render_html(graph, domains, f"Lineage of {product}" if product else "Data mesh lineage")
    else:
        text = {LineageFormat.mermaid: render_mermaid, LineageFormat.dot: render_dot, LineageFormat.json: render_json}[format](graph)
    _emit(text, output)


catalog_app = typer.Typer(help="Find data products across the mesh (offline, from the blueprints). Example: `dmesh catalog search churn`.",
                          no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


def _catalog_entries(mesh_root: Path, live: LiveOptions | None = None):
    """Offline from the blueprints; with --live from the registry documents in the catalog bucket."""
    from .validation import UsageError, aws_region, endpoint, resolve_target

    if live is not None and live.live:
        from .catalog_live import LiveError, read_registry

        try:
            return read_registry(live.bucket, aws_region(live.region), endpoint(live.endpoint_url))
        except UsageError as exc:
            raise _usage_error(str(exc)) from None
        except LiveError as exc:
            _console(stderr=True).print(f"[red]error:[/red] {escape_markup(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    if live is not None and (live.region or live.endpoint_url or live.bucket_given):
        raise _usage_error("--region, --endpoint-url and --bucket read the deployed registry: add --live")
    from blueprints import load_mesh

    from .catalog_search import entries

    try:
        return entries(load_mesh(resolve_target(mesh_root).root, {}).domains)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None


@dataclass(frozen=True)
class LiveOptions:
    live: bool
    bucket: str
    region: str | None
    endpoint_url: str | None
    bucket_given: bool


def _print_entries(rows: list[dict], format: TableOrJson) -> None:
    if format is TableOrJson.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("product", "classification", "owner", "ports", "freshness", "description")
    table.columns[0].no_wrap = True
    for r in rows:
        freshness = f"{r['freshnessHours']} h" if r["freshnessHours"] else ""
        table.add_row(escape(str(r["id"])), str(r["classification"]), escape(str(r["owner"])), ", ".join(r["ports"]), freshness,  # type: ignore[arg-type]
                      escape(str(r["description"])))
    _console().print(table)


MeshRoot = Annotated[Path, typer.Option("--mesh-root", help="Mesh root holding the domains.")]
TableOrJsonOption = Annotated[TableOrJson, typer.Option("--format", "-f", help="table or json.")]
LiveFlag = Annotated[bool, typer.Option("--live", help="Read the deployed registry (ODPS documents in the catalog bucket) instead of the blueprints.")]
BucketOption = Annotated[str | None, typer.Option("--bucket", help="Catalog bucket (default: the platform's, dm-platform-catalog).")]
RegionOption = Annotated[str | None, typer.Option("--region", help="AWS region (default: AWS_REGION).")]
EndpointOption = Annotated[str | None, typer.Option("--endpoint-url", help="S3 endpoint, e.g. LocalStack's (default: AWS_ENDPOINT_URL).")]


def _live(live: bool, bucket: str | None, region: str | None, endpoint_url: str | None) -> LiveOptions:
    from blueprints import naming

    return LiveOptions(live, bucket or naming.CATALOG_BUCKET, region, endpoint_url, bucket is not None)


@catalog_app.command("list")
def catalog_list(mesh_root: MeshRoot = Path("domain_stacks"), format: TableOrJsonOption = TableOrJson.table, live: LiveFlag = False,
                 bucket: BucketOption = None, region: RegionOption = None, endpoint_url: EndpointOption = None) -> None:
    """Every data product of the mesh. Example: `dmesh catalog list --format json`."""
    _print_entries([e.summary() for e in _catalog_entries(mesh_root, _live(live, bucket, region, endpoint_url))], format)


@catalog_app.command("search")
def catalog_search(
    text: Annotated[str, typer.Argument(help="Words that must all match: names, descriptions, owners, tags, column names and descriptions.")],
    mesh_root: MeshRoot = Path("domain_stacks"),
    format: TableOrJsonOption = TableOrJson.table,
    live: LiveFlag = False, bucket: BucketOption = None, region: RegionOption = None, endpoint_url: EndpointOption = None,
) -> None:
    """Products matching every word, best first. Example: `dmesh catalog search customer_id`."""
    from .catalog_search import search

    found = search(_catalog_entries(mesh_root, _live(live, bucket, region, endpoint_url)), text)
    _print_entries([{**e.summary(), "score": s} for e, s in found], format)


@catalog_app.command("show")
def catalog_show(
    product: Annotated[str, typer.Argument(help="DOMAIN.PRODUCT")],
    mesh_root: MeshRoot = Path("domain_stacks"),
    format: TableOrJsonOption = TableOrJson.table,
    live: LiveFlag = False, bucket: BucketOption = None, region: RegionOption = None, endpoint_url: EndpointOption = None,
) -> None:
    """One product: owner, ports, SLA, contract and columns, inputs and grants. Example: `dmesh catalog show sales.orders`."""
    entry = next((e for e in _catalog_entries(mesh_root, _live(live, bucket, region, endpoint_url)) if e.id == product), None)
    if entry is None:
        raise _usage_error(f"no product {product!r} in the mesh; `dmesh catalog list` shows them")
    details = entry.details()
    if format is TableOrJson.json:
        typer.echo(json.dumps(details, indent=2))
        return
    from rich.markup import escape

    console = _console()
    for key in ("id", "classification", "owner", "ports", "freshnessHours", "availability", "contract", "inputs", "grants", "description"):
        console.print(f"[bold]{key}[/bold]: {escape(str(details[key]))}", highlight=False)
    for column in details["columns"]:  # type: ignore[union-attr]
        console.print(f"  {escape(column['name'])} {column['type']} {column['classification'] or ''} {escape(column['description'])}", highlight=False)


class ExportFormat(str, Enum):
    odps = "odps"
    backstage = "backstage"


@catalog_app.command("export")
def catalog_export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="odps (one document per product) or backstage (catalog-info.yaml).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write into (created if missing).")] = Path("catalog-export"),
    mesh_root: MeshRoot = Path("domain_stacks"),
    stack: Annotated[str, typer.Option("--stack", help="Stack config giving each domain's account and region (ODPS ARNs).")] = "dev",
) -> None:
    """Write the mesh for other tools: ODPS documents of every product, or Backstage entities.

    Example: `dmesh catalog export --format backstage -o backstage/` then register backstage/catalog-info.yaml as a Location.
    """
    from blueprints import load_mesh

    from .catalog_export import ExportError, backstage_entities, backstage_yaml, odps_documents, write_files
    from .validation import UsageError, resolve_target

    if output.exists() and not output.is_dir():
        raise _usage_error(f"--output {output} is a file; give a folder")
    if not output.parent.is_dir():
        raise _usage_error(f"--output {output}: the folder {output.parent} does not exist")
    try:
        domains = load_mesh(resolve_target(mesh_root).root, {}).domains
        files = (odps_documents(domains, stack) if format is ExportFormat.odps
                 else {"catalog-info.yaml": backstage_yaml(backstage_entities(domains))})
    except (UsageError, ExportError) as exc:
        raise _usage_error(str(exc)) from None
    for path in write_files(output, files):
        typer.echo(str(path))


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


contract_app = typer.Typer(help="Data contracts across versions. Example: `dmesh contract diff old.odcs.yaml new.odcs.yaml`.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")


@contract_app.command("diff")
def contract_diff(
    old: Annotated[Path, typer.Argument(help="The contract as it was (ODCS v3 YAML).")],
    new: Annotated[Path, typer.Argument(help="The contract as it is now.")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, markdown or json.")] = ReportFormat.text,
    mesh_root: Annotated[Path, typer.Option("--mesh-root", help="Mesh whose products read the contract's product.")] = Path("domain_stacks"),
) -> None:
    """Classify every change between two contracts as breaking, non-breaking or info, and list the products that read it.

    Exit 1 when a change is breaking. Example: `dmesh contract diff <(git show main:c.odcs.yaml) c.odcs.yaml -f markdown`.
    """
    from blueprints import BlueprintError, load_mesh
    from blueprints.yaml_source import read_yaml

    from .contract_diff import diff_contracts, readers, render_markdown, render_text

    documents = []
    for file in (old, new):
        if not file.exists() or file.is_dir():
            raise _usage_error(f"{file}: not a contract file")
        try:
            data = read_yaml(file).data
        except BlueprintError as exc:
            raise _usage_error(str(exc)) from None
        if not isinstance(data, dict):
            raise _usage_error(f"{file}: an ODCS contract must be a mapping")
        documents.append(data)
    changes = diff_contracts(documents[0], documents[1])
    domains = load_mesh(mesh_root, {}).domains if mesh_root.is_dir() else {}
    impacted = readers(domains, str(documents[1].get("id") or documents[0].get("id") or ""))
    if format is ReportFormat.json:
        typer.echo(json.dumps({"changes": [c.as_json() for c in changes], "impacted": impacted}, indent=2))
    elif format is ReportFormat.markdown:
        typer.echo(render_markdown(changes, impacted, f"Contract {documents[1].get('id', new.name)}: "
                                   f"{documents[0].get('version')} -> {documents[1].get('version')}"), nl=False)
    else:
        typer.echo(render_text(changes, impacted), nl=False)
    raise typer.Exit(1 if any(c.severity == "breaking" for c in changes) else 0)


access_app = typer.Typer(help="Cross-domain access as reviewed changes of both blueprints. Example: `dmesh access list`.", no_args_is_help=True)
app.add_typer(access_app, name="access")
MeshRootOption = Annotated[Path, typer.Option("--mesh-root", help="Mesh root holding the domains.")]


def _refs(consumer: str, producer: str) -> tuple:
    import re

    from blueprints import ProductRef
    from blueprints.models import PRODUCT_REF

    for value in (consumer, producer):
        if not re.fullmatch(PRODUCT_REF, value):
            raise _usage_error(f"{value!r} is not DOMAIN.PRODUCT (e.g. sales.orders)")
    return ProductRef.parse(consumer), ProductRef.parse(producer)


def _apply_access(root: Path, edits: list, dry_run: bool) -> None:
    from .access import AccessError, validate_edits, write
    from .governance.config import mesh_levels

    if not edits:
        _console(stderr=True).print("nothing to change: the access is already as asked", highlight=False)
        return
    problems = validate_edits(root, edits, mesh_levels())
    if problems:
        for problem in problems:
            _console(stderr=True).print(f"[red]refused:[/red] {escape_markup(problem)}", highlight=False, soft_wrap=True)
        _console(stderr=True).print("nothing was written", highlight=False)
        raise typer.Exit(1)
    typer.echo("".join(e.diff(root) for e in edits), nl=False)
    if dry_run:
        _console(stderr=True).print("dry run: nothing written", highlight=False)
        return
    try:
        write(edits)
    except AccessError as exc:
        raise _usage_error(str(exc)) from None
    _console(stderr=True).print(f"wrote {len(edits)} file(s); open a pull request for the producer's owners to review", highlight=False)


@access_app.command("request")
def access_request(
    consumer: Annotated[str, typer.Argument(help="The product that wants to read, DOMAIN.PRODUCT.")],
    producer: Annotated[str, typer.Argument(help="The product to read, DOMAIN.PRODUCT.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: recorded as a comment beside the grant.")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the change; write nothing.")] = False,
    mesh_root: MeshRootOption = Path("domain_stacks"),
) -> None:
    """Grant CONSUMER's domain read access to PRODUCER and add it to CONSUMER's inputs; print the diff for review.

    Refused (exit 1, nothing written) when the change breaks a mesh rule. Example:
    `dmesh access request marketing.campaigns sales.customers --reason "attribution by segment"`.
    """
    from blueprints import load_mesh

    from .access import AccessError, plan_request
    from .validation import UsageError, resolve_target

    wanted, source = _refs(consumer, producer)
    try:
        root = resolve_target(mesh_root).root
        edits = plan_request(load_mesh(root, {}).domains, wanted, source, reason)
    except (UsageError, AccessError) as exc:
        raise _usage_error(str(exc)) from None
    _apply_access(root, edits, dry_run)


@access_app.command("revoke")
def access_revoke(
    consumer: Annotated[str, typer.Argument(help="The product that reads, DOMAIN.PRODUCT.")],
    producer: Annotated[str, typer.Argument(help="The product it reads, DOMAIN.PRODUCT.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the change; write nothing.")] = False,
    mesh_root: MeshRootOption = Path("domain_stacks"),
) -> None:
    """Remove PRODUCER from CONSUMER's inputs, and the grant when no other product of that domain reads it.

    Example: `dmesh access revoke marketing.campaigns sales.store-locations`.
    """
    from blueprints import load_mesh

    from .access import AccessError, plan_revoke
    from .validation import UsageError, resolve_target

    wanted, source = _refs(consumer, producer)
    try:
        root = resolve_target(mesh_root).root
        edits = plan_revoke(load_mesh(root, {}).domains, wanted, source)
    except (UsageError, AccessError) as exc:
        raise _usage_error(str(exc)) from None
    _apply_access(root, edits, dry_run)


@access_app.command("list")
def access_list(
    mesh_root: MeshRootOption = Path("domain_stacks"),
    format: Annotated[TableOrJson, typer.Option("--format", "-f", help="table or json.")] = TableOrJson.table,
) -> None:
    """The grant matrix: per product, the domains it grants and the products that read it."""
    from blueprints import load_mesh

    from .access import grant_matrix
    from .validation import UsageError, resolve_target

    try:
        root = resolve_target(mesh_root).root
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    rows = grant_matrix(load_mesh(root, {}).domains)
    if format is TableOrJson.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Column, Table

    table = Table(Column("product", overflow="fold"), "classification", Column("grants", overflow="fold"), Column("read by", overflow="fold"))
    for r in rows:
        table.add_row(r["product"], r["classification"], ", ".join(r["grants"]) or "-", ", ".join(r["readBy"]) or "-")
    _console().print(table)


upgrade_app = typer.Typer(help="The platform team's view of the fleet. Example: `dmesh upgrade status`.", no_args_is_help=True)
app.add_typer(upgrade_app, name="upgrade")


@upgrade_app.command("status")
def upgrade_status(
    path: Annotated[Path, typer.Argument(help="Mesh root.")] = Path("domain_stacks"),
    format: Annotated[TableOrJson, typer.Option("--format", "-f", help="table or json.")] = TableOrJson.table,
) -> None:
    """Per domain: the preset it uses, the newest major of that preset, deprecations; then how many domains are on each.

    Example: `dmesh upgrade status domain_stacks --format json`.
    """
    from blueprints import load_mesh, load_presets

    from .fleet import fleet_status, summary
    from .validation import UsageError, resolve_target

    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    rows = fleet_status(load_mesh(target.root, {}).domains, load_presets())
    if format is TableOrJson.json:
        typer.echo(json.dumps({"domains": [{"domain": r.domain, "preset": r.preset, "latest": r.latest, "behind": r.behind,
                                            "deprecated": r.deprecated} for r in rows], "summary": summary(rows)}, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table("domain", "preset", "newest", "deprecated")
    for r in rows:
        table.add_row(escape(r.domain), r.preset, ("[yellow]" + r.latest + "[/yellow]") if r.behind else r.latest, escape(r.deprecated or ""))
    _console().print(table)
    _console().print(", ".join(f"{count} on {preset}" for preset, count in summary(rows).items()) or "no domains", highlight=False)


def _print_upgrade(diffs: list, format: ReportFormat, title: str, allowed: list[str], extra: dict | None = None) -> None:
    from .upgrade.report import render_json, render_markdown, render_text

    if format is ReportFormat.json:
        typer.echo(render_json(diffs, allowed, extra), nl=False)
    elif format is ReportFormat.markdown:
        typer.echo(render_markdown(diffs, title, allowed), nl=False)
    else:
        typer.echo(render_text(diffs, allowed), nl=False)


@upgrade_app.command("apply")
def upgrade_apply(
    path: Annotated[Path, typer.Argument(help="Mesh root.")] = Path("domain_stacks"),
    preset: Annotated[str, typer.Option("--preset", help="The preset to move to, <name>@<major> (e.g. batch@2).")] = "",
    domain: Annotated[list[str] | None, typer.Option("--domain", help="Only this domain (repeatable); default: every domain on the family.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Preview and report; write nothing.")] = False,
    allow_replace: Annotated[list[str] | None, typer.Option("--allow-replace", help="URN of a stateful resource that may be replaced or deleted.")] = None,
    stack: Annotated[str, typer.Option("--stack", help="Stack config each domain is previewed with.")] = "dev",
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="markdown (a pull-request description), text or json.")] = ReportFormat.markdown,
) -> None:
    """Move domains to a newer preset: preview each before and after offline, refuse if a stateful resource would be
    replaced or deleted, else rewrite their domain.yaml (one line each) and print a summary for the pull request.

    Exit codes: 0 upgraded (or nothing to do), 1 refused or invalid after the upgrade, 2 bad input.
    Example: `dmesh upgrade apply --preset batch@2 --dry-run`.
    """
    import re

    from blueprints import load_presets
    from blueprints.models import PRESET_REF

    from .governance.config import mesh_levels
    from .upgrade.apply import UpgradeError, upgrade
    from .validation import UsageError, resolve_target

    if not re.fullmatch(PRESET_REF, preset or ""):
        raise _usage_error(f"--preset {preset!r} is not <name>@<major> (e.g. batch@2)")
    if preset not in load_presets():
        raise _usage_error(f"--preset {preset}: no such preset; the platform has {', '.join(sorted(load_presets()))}")
    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    say = _console(stderr=True).print
    allowed = list(allow_replace or [])
    try:
        outcome = upgrade(target.root, preset, mesh_levels(), domain or [], allowed, dry_run, stack, say=lambda m: say(escape_markup(m), highlight=False))
    except UpgradeError as exc:
        raise _usage_error(str(exc)) from None
    for note in outcome.notes:
        say(escape_markup(note), highlight=False)
    if not outcome.rewrites:
        say(f"no domain to move to {preset}", highlight=False)
        return
    title = f"Upgrade to {preset}: " + ", ".join(f"{r.domain} ({r.old} -> {r.new}, {r.file.name}:{r.line})" for r in outcome.rewrites)
    _print_upgrade(outcome.diffs, format, title, allowed,
                   {"preset": preset, "written": outcome.written, "findings": outcome.findings,
                    "rewrites": [{"domain": r.domain, "file": str(r.file), "line": r.line, "from": r.old, "to": r.new} for r in outcome.rewrites]})
    from .upgrade.report import refusal_lines

    refusals = refusal_lines(outcome.diffs, allowed)
    errors = [d for d in outcome.diffs if d.error]
    for line in refusals:
        say(f"[red]refused:[/red] {escape_markup(line)}", highlight=False, soft_wrap=True)
    if refusals:
        say("nothing was written; if a replacement is intended, name its URN with --allow-replace", highlight=False)
    for d in errors:
        say(f"[red]error:[/red] {escape_markup(d.domain)} could not be previewed: {escape_markup(d.error or '')}", highlight=False, soft_wrap=True)
    for finding in outcome.findings:
        say(f"[red]invalid after the upgrade:[/red] {escape_markup(finding)}", highlight=False, soft_wrap=True)
    if refusals or errors or outcome.findings:
        raise typer.Exit(1)
    say("dry run: nothing written" if dry_run else f"rewrote {len(outcome.rewrites)} file(s); the mesh validates", highlight=False)


@upgrade_app.command("impact")
def upgrade_impact(
    path: Annotated[Path, typer.Argument(help="Mesh root (inside the git checkout of the platform).")] = Path("domain_stacks"),
    base: Annotated[str, typer.Option("--base", help="Git revision of the platform to compare with (e.g. origin/main).")] = "",
    allow_replace: Annotated[list[str] | None, typer.Option("--allow-replace", help="URN of a stateful resource that may be replaced or deleted.")] = None,
    stack: Annotated[str, typer.Option("--stack", help="Stack config each domain is previewed with.")] = "dev",
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, markdown (a pull-request comment) or json.")] = ReportFormat.text,
) -> None:
    """What a platform change does to every domain: preview each domain with the --base revision's components and
    presets and with this checkout's, and diff. Exit 1 when a stateful resource would be replaced or deleted.

    Example (platform CI): `dmesh upgrade impact --base origin/main --format markdown`.
    """
    from blueprints import domain_folders

    from .upgrade.impact import ImpactError, impact
    from .validation import UsageError, resolve_target

    if not base:
        raise _usage_error("--base is required: the git revision to compare with (e.g. origin/main)")
    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    say = _console(stderr=True).print
    allowed = list(allow_replace or [])
    try:
        result = impact(target.root, domain_folders(target.root), base, stack, say=lambda m: say(escape_markup(m), highlight=False))
    except ImpactError as exc:
        raise _usage_error(str(exc)) from None
    _print_upgrade(result.diffs, format, f"Impact of this change on {len(result.diffs)} domain(s) (base {result.base})", allowed,
                   {"base": result.base})
    from .upgrade.report import refusal_lines

    refusals = refusal_lines(result.diffs, allowed)
    for line in refusals:
        say(f"[red]refused:[/red] {escape_markup(line)}", highlight=False, soft_wrap=True)
    if refusals or any(d.error for d in result.diffs):
        raise typer.Exit(1)


@upgrade_app.command("urns")
def upgrade_urns(
    path: Annotated[Path, typer.Argument(help="Mesh root.")] = Path("domain_stacks"),
    stack: Annotated[str, typer.Option("--stack", help="Stack config to run each domain with.")] = "dev",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """The URN of every resource of every domain, as JSON: recorded at a release, it lets CI prove no later change drops one.

    Example (at a release): `dmesh upgrade urns domain_stacks -o tests/data/release-urns.json`.
    """
    from blueprints import domain_folders

    from .upgrade.snapshot import capture
    from .upgrade.urns import urn_sets
    from .validation import UsageError, resolve_target

    output = _checked_output(output)
    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    snapshots = capture(domain_folders(target.root), stack)
    failed = {d: e for d, (_, e) in snapshots.items() if e}
    if failed:
        _console(stderr=True).print("\n".join(f"[red]error:[/red] {escape_markup(d)}: {escape_markup(e)}" for d, e in failed.items()), highlight=False)
        raise typer.Exit(1)
    _emit(json.dumps(urn_sets(snapshots), indent=2) + "\n", output)


sla_app = typer.Typer(help="What each product promises and what watches it. Example: `dmesh sla status --live`.", no_args_is_help=True)
app.add_typer(sla_app, name="sla")

STATE_STYLE = {"OK": "green", "ALARM": "red", "INSUFFICIENT_DATA": "yellow", "MISSING": "red"}


def _alarm_states(rows: list, region: str | None, endpoint_url: str | None) -> list:
    """The rows with CloudWatch's current states; an unreachable or refusing CloudWatch stops the command with what to do."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    from .sla import with_states

    try:
        client = boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint_url)
        return with_states(rows, client.describe_alarms)
    except NoRegionError:
        message = "no AWS region: pass --region or set AWS_REGION"
    except NoCredentialsError:
        message = "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (for LocalStack, any value)"
    except EndpointConnectionError as exc:
        message = f"cannot reach CloudWatch at {exc.kwargs.get('endpoint_url')}: check --endpoint-url (LocalStack: `dmesh local start`)"
    except ClientError as exc:
        error = exc.response.get("Error", {})
        message = f"CloudWatch refused DescribeAlarms: {error.get('Code')}: {error.get('Message')}"
    except BotoCoreError as exc:
        message = f"CloudWatch could not be read: {exc}"
    _console(stderr=True).print(f"[red]error:[/red] {escape_markup(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def escape_markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@sla_app.command("status")
def sla_status(
    path: Annotated[Path, typer.Argument(help="Mesh root, or one domain's folder.")] = Path("domain_stacks"),
    live: Annotated[bool, typer.Option("--live", help="Read each alarm's current state from CloudWatch.")] = False,
    region: Annotated[str | None, typer.Option("--region", help="AWS region of the alarms (default: AWS_REGION).")] = None,
    endpoint_url: Annotated[str | None, typer.Option("--endpoint-url", help="CloudWatch endpoint, e.g. LocalStack's (default: AWS_ENDPOINT_URL).")] = None,
    format: Annotated[TableOrJson, typer.Option("--format", "-f", help="table or json.")] = TableOrJson.table,
) -> None:
    """Per product: its SLA, the alarms that watch it and, with --live, their states now (ALARM, OK, INSUFFICIENT_DATA, MISSING).

    Example: `dmesh sla status domain_stacks/sales --live --endpoint-url http://localhost:4566`.
    """
    from blueprints import load_mesh

    from blueprints.monitoring import duration

    from .sla import declared
    from .validation import UsageError, aws_region, endpoint, resolve_target

    if (region is not None or endpoint_url is not None) and not live:
        raise _usage_error("--region and --endpoint-url read live states: add --live")
    try:
        region, endpoint_url = aws_region(region), endpoint(endpoint_url)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    try:
        target = resolve_target(path)
    except UsageError as exc:
        raise _usage_error(str(exc)) from None
    domains = load_mesh(target.root, {}).domains
    if target.domain is not None:
        domains = {name: spec for name, spec in domains.items() if spec.folder == target.domain}
    rows = declared(domains.values())
    if live:
        rows = _alarm_states(rows, region, endpoint_url)
    if format is TableOrJson.json:
        typer.echo(json.dumps({"products": [r.as_json() for r in rows]}, indent=2))
        return
    from rich.table import Column, Table

    table = Table(Column("product", overflow="fold"), "SLA", "alerting", Column("monitor", overflow="fold"), "window",
                  *(["state"] if live else []))
    for r in rows:
        sla = ", ".join(x for x in (f"{r.freshness_hours} h fresh" if r.freshness_hours else "",
                                    f"{r.availability:g}% up" if r.availability else "") if x) or "none"
        for i, m in enumerate(r.monitors):
            cells = [escape_markup(f"{r.domain}.{r.product}") if i == 0 else "", sla if i == 0 else "", r.alerting if i == 0 else "",
                     m.kind, duration(m.window_seconds)]
            if live:
                cells.append(f"[{STATE_STYLE.get(m.state or '', 'white')}]{m.state}[/]")
            table.add_row(*cells)
        for gap in r.unwatched:
            table.add_row(*(["", "", "", f"[yellow]not watched:[/yellow] {escape_markup(gap)}", ""] + ([""] if live else [])))
    _console().print(table)


from .deploy.commands import register as _register_deploy_verbs  # noqa: E402 - typer only; the verbs import the rest lazily

_register_deploy_verbs(app)


local_app = typer.Typer(help="The emulators for offline deploys: LocalStack (host mode without Docker) and a moto server for Glue. "
                                             "Example: `dmesh local start`.", no_args_is_help=True)
app.add_typer(local_app, name="local")


def _emulators():
    from .local import LocalStack, MotoServer
    from .local_config import Emulators

    endpoints = Emulators.from_env()
    return LocalStack(endpoints.localstack), MotoServer(endpoints.moto)


@local_app.command("start")
def local_start() -> None:
    """Start LocalStack (host mode, venv made once) and the moto server for Glue, and wait until both answer.

    Example: `dmesh local start`.
    """
    from .local import LocalStackError

    say = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    localstack, moto = _emulators()
    try:
        localstack.start(say)
        moto.start(say)
    except LocalStackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None


@local_app.command("stop")
def local_stop() -> None:
    """Stop the emulators this tool started (by their PIDs). Example: `dmesh local stop`."""
    say = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    localstack, moto = _emulators()
    stopped = [localstack.stop(say), moto.stop(say)]
    if not any(stopped):
        print("no emulator started by dmesh is running", file=sys.stderr)


@local_app.command("status")
def local_status() -> None:
    """Print the emulators' health (exit 1 when one does not answer). Example: `dmesh local status`."""
    localstack, moto = _emulators()
    health = localstack.healthy()
    moto_up = moto.healthy()
    print(json.dumps({"endpoint": localstack.endpoint, "pid": localstack.running_pid(), "health": health,
                      "moto": {"endpoint": moto.endpoint, "pid": moto.running_pid(), "healthy": moto_up}}, indent=2))
    raise typer.Exit(0 if health and moto_up else 1)


@local_app.command("pulumi-config")
def local_pulumi_config(
    project: Annotated[Path, typer.Argument(help="Domain folder (or the platform project) whose Pulumi.dev.yaml is the base.")],
    kube_context: Annotated[str | None, typer.Option("--kube-context", help="The local cluster's kubeconfig context, e.g. kind-dmesh-local.",
                                                     show_default=False)] = None,
) -> None:
    """Write Pulumi.local.yaml: the dev config with each service at its emulator (pulumilocal's keys) and the local cluster.

    It is the config `dmesh up --local` deploys with. Example:
    `dmesh local pulumi-config domain_stacks/sales --kube-context kind-dmesh-local && cd domain_stacks/sales && pulumi up -s local`.
    """
    from .local_config import Emulators, LocalConfigError, write_local_config

    if not (project / "Pulumi.dev.yaml").is_file():
        raise _usage_error(f"{project / 'Pulumi.dev.yaml'} not found")
    try:
        target = write_local_config(project, Emulators.from_env(), kube_context or "")
    except LocalConfigError as exc:
        raise _usage_error(str(exc)) from None
    print(f"wrote {target}", file=sys.stderr)
