"""What an upgrade does to each domain, for a terminal, a pull-request comment or a machine."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from .diff import Change, DomainDiff

KIND_WORDS = {"replaced": "replaced", "removed": "deleted", "updated": "updated", "added": "added"}


def _describe(change: Change) -> str:
    text = f"{change.name} ({change.type})"
    if change.paths:
        text += ": " + ", ".join(change.paths[:6]) + (" ..." if len(change.paths) > 6 else "")
    if change.moved_from:
        text += " [URN moved, alias keeps its state]"
    return text


def counts(diff: DomainDiff) -> str:
    return ", ".join(f"{len(diff.of_kind(k))} {KIND_WORDS[k]}" for k in ("added", "updated", "replaced", "removed"))  # type: ignore[arg-type]


def refusal_lines(diffs: Sequence[DomainDiff], allowed: Iterable[str]) -> list[str]:
    allow = list(allowed)
    return [f"{d.domain}: {c.name} ({c.type}) holds {c.holds} and would be {KIND_WORDS[c.kind]}: {c.reason}. URN: {c.urn}"
            for d in diffs for c in d.refused(allow)]


def render_text(diffs: Sequence[DomainDiff], allowed: Iterable[str] = ()) -> str:
    allow = list(allowed)
    lines: list[str] = []
    for d in diffs:
        if d.error:
            lines.append(f"{d.domain}: could not be previewed: {d.error}")
            continue
        lines.append(f"{d.domain}: {counts(d)}")
        refused = {c.urn for c in d.refused(allow)}
        for c in d.changes:
            mark = "REFUSED " if c.urn in refused else ""
            lines.append(f"  {mark}{KIND_WORDS[c.kind]:8} {_describe(c)}" + (f" - {c.reason}" if c.reason else ""))
    return "\n".join(lines) + "\n"


def render_markdown(diffs: Sequence[DomainDiff], title: str, allowed: Iterable[str] = ()) -> str:
    allow = list(allowed)
    refusals = refusal_lines(diffs, allow)
    destroying = sum(1 for d in diffs for c in d.changes if c.destroys_data)
    if refusals:
        verdict = f"**Refused:** {len(refusals)} stateful resource(s) would be replaced or deleted."
    elif destroying:
        verdict = f"**Allowed:** {destroying} stateful resource(s) are replaced or deleted, each named with --allow-replace; their data is lost."
    else:
        verdict = "**Safe:** no stateful resource is replaced or deleted."
    lines = [f"### {title}", "", verdict, "", "| domain | added | updated | replaced | deleted |", "|---|---|---|---|---|"]
    for d in diffs:
        if d.error:
            lines.append(f"| {d.domain} | could not be previewed: {d.error.splitlines()[0]} | | | |")
        else:
            lines.append(f"| {d.domain} | {len(d.of_kind('added'))} | {len(d.of_kind('updated'))} | {len(d.of_kind('replaced'))} | "
                         f"{len(d.of_kind('removed'))} |")
    if refusals:
        lines += ["", "#### Refused", "", *(f"- {r}" for r in refusals)]
    for d in diffs:
        if d.changes:
            lines += ["", f"<details><summary>{d.domain}: {counts(d)}</summary>", ""]
            lines += [f"- {KIND_WORDS[c.kind]} `{c.name}` ({c.type})" + (f": {', '.join(f'`{p}`' for p in c.paths[:6])}" if c.paths else "")
                      + (" (URN moved; an alias keeps its state)" if c.moved_from else "") for c in d.changes]
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_json(diffs: Sequence[DomainDiff], allowed: Iterable[str] = (), extra: dict | None = None) -> str:
    allow = list(allowed)
    return json.dumps({**(extra or {}), "refused": refusal_lines(diffs, allow), "domains": [d.as_json(allow) for d in diffs]}, indent=2) + "\n"
