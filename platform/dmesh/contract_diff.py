"""`dmesh contract diff`: what changes between two versions of an ODCS contract, and whether consumers break.

Breaking: a table or property removed (a rename is a removal and an addition), a changed type or physical name,
a property becoming required, a tightened constraint (length, range, pattern, enum), a primary-key change, a
changed or removed classification, a new required property. Non-breaking: an added optional property or table, a
loosened constraint. Info: descriptions, tags, examples and every other field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["breaking", "non-breaking", "info"]
SEVERITIES: tuple[Severity, ...] = ("breaking", "non-breaking", "info")

TYPE_FIELDS = ("logicalType", "physicalType", "physicalName")
KEY_FIELDS = ("primaryKey", "primaryKeyPosition")
# constraint -> the direction that tightens it: a larger minimum, a smaller maximum
LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems")
UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems")
INFO_FIELDS = ("description", "tags", "examples", "businessName", "authoritativeDefinitions", "customProperties", "quality")
HANDLED = {"name", "properties", "items", "required", "classification", "logicalTypeOptions", *TYPE_FIELDS, *KEY_FIELDS}


@dataclass(frozen=True)
class Change:
    path: str
    severity: Severity
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "severity": self.severity, "message": self.message}


def _by_name(items: Any) -> dict[str, Mapping[str, Any]]:
    return {str(i.get("name")): i for i in items or [] if isinstance(i, Mapping) and i.get("name") is not None}


def _options(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    """Constraints, whether written under `logicalTypeOptions` (v3) or on the property itself."""
    options = prop.get("logicalTypeOptions")
    merged = {k: prop[k] for k in (*LOWER_BOUNDS, *UPPER_BOUNDS, "pattern", "enum", "format") if k in prop}
    return {**merged, **(options if isinstance(options, Mapping) else {})}


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _constraints(path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before, after = _options(old), _options(new)
    for key in LOWER_BOUNDS:
        a, b = _number(before.get(key)), _number(after.get(key))
        if a != b:
            tighter = b is not None and (a is None or b > a)
            yield Change(f"{path}.{key}", "breaking" if tighter else "non-breaking",
                         f"{key} {'tightened' if tighter else 'loosened'} from {before.get(key)} to {after.get(key)}")
    for key in UPPER_BOUNDS:
        a, b = _number(before.get(key)), _number(after.get(key))
        if a != b:
            tighter = b is not None and (a is None or b < a)
            yield Change(f"{path}.{key}", "breaking" if tighter else "non-breaking",
                         f"{key} {'tightened' if tighter else 'loosened'} from {before.get(key)} to {after.get(key)}")
    if before.get("pattern") != after.get("pattern"):
        severity: Severity = "non-breaking" if after.get("pattern") is None else "breaking"
        yield Change(f"{path}.pattern", severity, f"pattern changed from {before.get('pattern')!r} to {after.get('pattern')!r}")
    old_enum, new_enum = before.get("enum"), after.get("enum")
    if old_enum != new_enum:
        removed = [v for v in old_enum or [] if v not in (new_enum or [])] if new_enum is not None else []
        if new_enum is not None and (old_enum is None or removed):
            yield Change(f"{path}.enum", "breaking", f"enum narrowed: {removed or 'values restricted to ' + str(new_enum)} no longer allowed"
                         if removed else f"enum added: only {new_enum} allowed")
        else:
            yield Change(f"{path}.enum", "non-breaking", f"enum widened from {old_enum} to {new_enum}")
    for key in sorted(set(before) | set(after)):
        if key not in (*LOWER_BOUNDS, *UPPER_BOUNDS, "pattern", "enum") and before.get(key) != after.get(key):
            yield Change(f"{path}.logicalTypeOptions.{key}", "breaking", f"{key} changed from {before.get(key)!r} to {after.get(key)!r}")


def _properties(path: str, old: Any, new: Any) -> Iterator[Change]:
    before, after = _by_name(old), _by_name(new)
    for name in before:
        if name not in after:
            yield Change(f"{path}[{name}]", "breaking", f"property {name!r} removed (or renamed)")
    for name, prop in after.items():
        if name not in before:
            required = bool(prop.get("required"))
            yield Change(f"{path}[{name}]", "breaking" if required else "non-breaking",
                         f"required property {name!r} added" if required else f"optional property {name!r} added")
        else:
            yield from _property(f"{path}[{name}]", before[name], prop)


def _property(path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    for field in TYPE_FIELDS:
        if old.get(field) != new.get(field):
            yield Change(f"{path}.{field}", "breaking", f"{field} changed from {old.get(field)!r} to {new.get(field)!r}")
    if bool(old.get("required")) != bool(new.get("required")):
        yield (Change(f"{path}.required", "breaking", "became required") if new.get("required")
               else Change(f"{path}.required", "non-breaking", "no longer required"))
    for field in KEY_FIELDS:
        if old.get(field) != new.get(field):
            yield Change(f"{path}.{field}", "breaking", f"{field} changed from {old.get(field)!r} to {new.get(field)!r}")
    if old.get("classification") != new.get("classification"):
        what = "removed" if new.get("classification") is None else f"changed from {old.get('classification')!r} to {new.get('classification')!r}"
        yield Change(f"{path}.classification", "breaking", f"classification {what}")
    yield from _constraints(path, old, new)
    yield from _properties(f"{path}.properties", old.get("properties"), new.get("properties"))
    if isinstance(old.get("items"), Mapping) or isinstance(new.get("items"), Mapping):
        old_items, new_items = old.get("items") or {}, new.get("items") or {}
        yield from _property(f"{path}.items", old_items, new_items)
    for field in sorted((set(old) | set(new)) - HANDLED - {*LOWER_BOUNDS, *UPPER_BOUNDS, "pattern", "enum", "format"}):
        if old.get(field) != new.get(field):
            yield Change(f"{path}.{field}", "info", f"{field} changed")


def diff_contracts(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every change between two contracts (parsed YAML), most severe first, then by path."""
    changes: list[Change] = []
    before, after = _by_name(old.get("schema")), _by_name(new.get("schema"))
    for name in before:
        if name not in after:
            changes.append(Change(f"schema[{name}]", "breaking", f"schema object {name!r} removed (or renamed)"))
    for name, obj in after.items():
        if name not in before:
            changes.append(Change(f"schema[{name}]", "non-breaking", f"schema object {name!r} added"))
            continue
        previous = before[name]
        for field in ("physicalName", "physicalType"):
            if previous.get(field) != obj.get(field):
                changes.append(Change(f"schema[{name}].{field}", "breaking", f"{field} changed from {previous.get(field)!r} to {obj.get(field)!r}"))
        changes += _properties(f"schema[{name}].properties", previous.get("properties"), obj.get("properties"))
        for field in sorted((set(previous) | set(obj)) - {"name", "properties", "physicalName", "physicalType"}):
            if previous.get(field) != obj.get(field):
                changes.append(Change(f"schema[{name}].{field}", "info", f"{field} changed"))
    for field in sorted((set(old) | set(new)) - {"schema"}):
        if old.get(field) != new.get(field):
            changes.append(Change(field, "info", f"{field} changed from {old.get(field)!r} to {new.get(field)!r}"
                                  if field in ("version", "status") else f"{field} changed"))
    return sorted(changes, key=lambda c: (SEVERITIES.index(c.severity), c.path))


SEMVER = re.compile(r"^v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")


def major(version: Any) -> int | None:
    match = SEMVER.match(str(version or ""))
    return int(match.group(1)) if match else None


def readers(domains: Mapping[str, Any], contract_id: str) -> list[str]:
    """`domain.product` of every product that reads the product whose contract has this id."""
    owners = {f"{d.name}.{p.name}" for d in domains.values() for p in d.products if p.contract.id == contract_id}
    return sorted(f"{d.name}.{p.name}" for d in domains.values() for p in d.products if owners & {str(i) for i in p.inputs})


def render_text(changes: list[Change], impacted: list[str]) -> str:
    lines = [f"{c.severity:12} {c.path}: {c.message}" for c in changes] or ["no changes"]
    if impacted:
        lines.append(f"read by: {', '.join(impacted)}")
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[Change], impacted: list[str], title: str) -> str:
    breaking = [c for c in changes if c.severity == "breaking"]
    lines = [f"### {title}", "", f"**{len(breaking)} breaking change(s)**" if breaking else "**No breaking change.**", ""]
    if changes:
        lines += ["| severity | path | change |", "|---|---|---|", *(f"| {c.severity} | `{c.path}` | {c.message} |" for c in changes)]
    if impacted:
        lines += ["", "Read by: " + ", ".join(f"`{i}`" for i in impacted)]
    return "\n".join(lines) + "\n"
