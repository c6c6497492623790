"""The review as a terminal table, grouped by domain, with the time taken."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .report import ReviewReport


def print_report(report: ReviewReport, console: Console) -> None:
    for error in report.errors:
        # everything that comes from a user (names, paths, program output) is escaped: `[bold]` in an error stays text
        console.print(f"[red]error[/red] {escape(error.domain)}: {escape(error.file)}:{error.line}: {escape(error.message)}", highlight=False)
    timing = {t.domain: t for t in report.timings}
    domains = sorted({r.domain for r in report.resources} | {v.domain for v in report.violations})
    for domain in domains:
        found = [v for v in report.violations if v.domain == domain]
        t = timing.get(domain)
        title = f"{escape(domain)}: {t.resources if t else 0} resources, {len(found)} violation(s), {t.seconds if t else 0:.1f} s"
        if not found:
            console.print(f"[green]✓[/green] {title}", highlight=False)
            continue
        table = Table(title=title, title_justify="left", show_lines=False)
        for column in ("level", "policy", "resource", "message"):
            table.add_column(column, overflow="fold")
        for v in sorted(found, key=lambda v: (v.enforcement != "mandatory", v.policy)):
            colour = "red" if v.enforcement == "mandatory" else "yellow"
            table.add_row(f"[{colour}]{v.enforcement}[/{colour}]", escape(v.policy), escape(v.urn.rsplit("::", 1)[-1]),
                          escape(v.message.split("\n", 1)[-1]))
        console.print(table)
    s = report.summary
    verdict = "[red]blocked[/red]" if report.exit_code else "[green]clean[/green]"
    console.print(f"{s.domains} domain(s), {s.resources} resources: {s.mandatory} mandatory, {s.advisory} advisory, "
                  f"{s.errors} error(s); {verdict} in {report.seconds:.1f} s", highlight=False)
