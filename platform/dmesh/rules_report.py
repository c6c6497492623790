"""`dmesh rules`: the resolved rule book as a terminal table, Markdown (the README's table) or JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .governance.rule import Rule

MARKDOWN_HEADER = "| rule | level | severity | scope | topics | requires |\n|---|---|---|---|---|---|"


def rows(rules: tuple[Rule, ...], levels: Mapping[str, str]) -> list[dict[str, object]]:
    return [{"name": r.name, "level": levels[r.name], "severity": r.severity, "scope": r.scope, "topics": list(r.topics),
             "description": r.description, "settings": r.defaults} for r in rules]


def render_markdown(rules: tuple[Rule, ...], levels: Mapping[str, str]) -> str:
    lines = [MARKDOWN_HEADER]
    for row in rows(rules, levels):
        lines.append(f"| `{row['name']}` | {row['level']} | {row['severity']} | {row['scope']} | {', '.join(row['topics'])} | "  # type: ignore[arg-type]
                     f"{str(row['description']).replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


def render_json(rules: tuple[Rule, ...], levels: Mapping[str, str]) -> str:
    return json.dumps(rows(rules, levels), indent=2, sort_keys=True) + "\n"
