"""The review's result, and its renderings: JSON, Markdown, SARIF 2.1.0 and a terminal table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from blueprints.paths import resolved
from blueprints.vocabulary import PROJECT_FILE

from collections.abc import Mapping

from ..governance.rule import SECURITY_SEVERITY
from ..governance.rulebook import RULES

SARIF_LEVEL = {"mandatory": "error", "advisory": "warning", "disabled": "none"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ResourceEntry(Model):
    domain: str
    urn: str
    type: str
    name: str


class Violation(Model):
    domain: str
    policy: str
    enforcement: Literal["mandatory", "advisory"]
    urn: str
    message: str
    file: str | None = None
    line: int | None = None


class ReviewError(Model):
    domain: str
    file: str
    line: int = 0
    message: str


class Summary(Model):
    domains: int
    resources: int
    mandatory: int
    advisory: int
    errors: int = 0


class DomainTiming(Model):
    domain: str
    resources: int
    seconds: float


class ReviewReport(Model):
    resources: list[ResourceEntry]
    violations: list[Violation]
    summary: Summary
    errors: list[ReviewError] = Field(default_factory=list)
    timings: list[DomainTiming] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """2 for invalid input or a failing program, else 1 for a mandatory violation, else 0."""
        if self.errors:
            return 2
        return 1 if self.summary.mandatory else 0


def _relative(file: str | None, base: Path) -> str:
    if not file:
        return ""
    try:
        return resolved(Path(file)).relative_to(resolved(base)).as_posix()
    except ValueError:
        return Path(file).as_posix()


def render_json(report: ReviewReport) -> str:
    return report.model_dump_json(indent=2)


def render_markdown(report: ReviewReport, base: Path) -> str:
    s = report.summary
    verdict = "❌ blocked" if report.exit_code else "✅ passes governance"
    lines = [
        f"### dmesh policy review: {verdict}",
        "",
        f"{s.domains} domain(s), {s.resources} resource(s): **{s.mandatory} mandatory**, {s.advisory} advisory violation(s), "
        f"{s.errors} error(s) ({report.seconds:.1f} s)",
        "",
    ]
    if report.errors:
        lines += ["#### Errors", "", "| domain | where | error |", "|---|---|---|"]
        lines += [f"| {e.domain} | `{_relative(e.file, base)}:{e.line}` | {_cell(e.message)} |" for e in report.errors]
        lines.append("")
    if report.violations:
        lines += ["#### Violations", "", "| domain | level | policy | resource | message |", "|---|---|---|---|---|"]
        for v in sorted(report.violations, key=lambda v: (v.domain, v.enforcement != "mandatory", v.policy)):
            lines.append(f"| {v.domain} | {v.enforcement} | `{v.policy}` | `{v.urn.rsplit('::', 1)[-1]}` | {_cell(v.message)} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def render_sarif(report: ReviewReport, base: Path, levels: Mapping[str, str]) -> str:
    """SARIF 2.1.0 as GitHub code scanning reads it: one rule per policy at its mesh-wide level, results at blueprint lines.

    `security-severity` and `tags` are the properties code scanning ranks and filters results by.
    """
    rules = [
        {"id": r.name, "name": r.name, "shortDescription": {"text": r.description}, "fullDescription": {"text": r.description},
         "defaultConfiguration": {"level": SARIF_LEVEL[levels[r.name]]},
         "help": {"text": f"{r.description} Run `dmesh rules` for the mesh-wide levels."},
         "properties": {"tags": ["security", *r.topics], "security-severity": SECURITY_SEVERITY[r.severity], "precision": "high"}}
        for r in RULES
    ]
    results = [
        {
            "ruleId": v.policy,
            "level": SARIF_LEVEL[v.enforcement],
            "message": {"text": v.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _relative(v.file, base) or PROJECT_FILE},
                                                "region": {"startLine": max(v.line or 1, 1)}}}],
            "partialFingerprints": {"dmeshUrn/v1": f"{v.policy}:{v.urn}"},
            "properties": {"domain": v.domain, "urn": v.urn},
        }
        for v in report.violations
    ]
    results += [
        {"ruleId": "dmesh-blueprint", "level": "error", "message": {"text": e.message},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": _relative(e.file, base)}, "region": {"startLine": max(e.line, 1)}}}]}
        for e in report.errors
    ]
    if report.errors:
        rules.append({"id": "dmesh-blueprint", "name": "dmesh-blueprint", "shortDescription": {"text": "Blueprint or program error"},
                      "defaultConfiguration": {"level": "error"}})
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "dmesh", "informationUri": "https://github.com/acme/datamesh-platform", "rules": rules}},
                  "results": results}],
    }
    return json.dumps(sarif, indent=2)


def merge(reports: list[ReviewReport]) -> ReviewReport:
    """One report from the reports of the shards of one review: the same lists, summary and exit code as one run."""
    resources = sorted((r for rep in reports for r in rep.resources), key=lambda r: (r.domain, r.urn))
    violations = sorted((v for rep in reports for v in rep.violations), key=lambda v: (v.domain, v.urn, v.policy, v.message))
    errors = sorted((e for rep in reports for e in rep.errors), key=lambda e: (e.domain, e.file, e.line, e.message))
    # a mesh-level finding about a domain is reported by every shard that validated the mesh: once is enough
    errors = [e for i, e in enumerate(errors) if i == 0 or e != errors[i - 1]]
    return ReviewReport(
        resources=resources, violations=violations, errors=errors,
        summary=Summary(domains=sum(rep.summary.domains for rep in reports), resources=len(resources),
                        mandatory=sum(v.enforcement == "mandatory" for v in violations),
                        advisory=sum(v.enforcement == "advisory" for v in violations), errors=len(errors)),
        timings=sorted((t for rep in reports for t in rep.timings), key=lambda t: t.domain),
        seconds=max((rep.seconds for rep in reports), default=0.0),
    )
