"""Compare what two offline runs of a domain registered: added, removed, updated (with the input paths), replaced.

A resource is deleted when its URN disappears and no alias in the new run claims it; it is replaced when one of
its create-only inputs (`replacement.STATEFUL`) changes. Only those two, on a stateful resource, destroy data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .replacement import STATEFUL, holds

Kind = Literal["added", "removed", "updated", "replaced"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    urn: str
    type: str
    name: str
    paths: tuple[str, ...] = ()
    holds: str | None = None  # what a stateful resource holds
    reason: str = ""
    moved_from: str | None = None  # the old URN an alias carried over

    @property
    def destroys_data(self) -> bool:
        return self.holds is not None and self.kind in ("removed", "replaced")

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "urn": self.urn, "type": self.type, "name": self.name, "paths": list(self.paths),
                "stateful": self.holds is not None, "destroysData": self.destroys_data, "reason": self.reason, "movedFrom": self.moved_from}


@dataclass
class DomainDiff:
    domain: str
    changes: list[Change] = field(default_factory=list)
    error: str | None = None  # a run that failed: nothing can be said about the domain

    def of_kind(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def refused(self, allowed: Iterable[str] = ()) -> list[Change]:
        """Changes that destroy data and nobody allowed by URN."""
        allow = set(allowed)
        return [c for c in self.changes if c.destroys_data and c.urn not in allow and (c.moved_from or "") not in allow]

    def as_json(self, allowed: Iterable[str] = ()) -> dict[str, Any]:
        refused = {c.urn for c in self.refused(allowed)}
        return {"domain": self.domain, "error": self.error,
                "changes": [{**c.as_json(), "refused": c.urn in refused} for c in self.changes]}


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Input paths whose values differ, like `rules[0].transitions` (a JSON policy string is one value)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return [p for key in sorted(set(old) | set(new), key=str)
                for p in changed_paths(old.get(key), new.get(key), f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new)) for p in changed_paths(a, b, f"{prefix}[{i}]")]
    return [] if old == new else [prefix or "(value)"]


def _compare(old: Mapping[str, Any], new: Mapping[str, Any], moved_from: str | None) -> Change | None:
    paths = tuple(changed_paths(old.get("inputs", {}), new.get("inputs", {})))
    kind_of = new["type"]
    if old["type"] != new["type"]:
        return Change("replaced", new["urn"], kind_of, new["name"], paths, holds(old["type"]) or holds(kind_of),
                      f"its type changes from {old['type']} to {kind_of}", moved_from)
    fixed = {c.pulumi_property: c.source for c in STATEFUL.get(kind_of, ("", ()))[1]}
    forcing = [p for p in paths if p.split(".", 1)[0].split("[", 1)[0] in fixed]
    if forcing:
        top = forcing[0].split(".", 1)[0].split("[", 1)[0]
        before, after = old["inputs"].get(top), new["inputs"].get(top)
        return Change("replaced", new["urn"], kind_of, new["name"], paths, holds(kind_of),
                      f"{top} changes from {before!r} to {after!r}, which cannot change in place ({fixed[top]})", moved_from)
    if paths or moved_from:
        return Change("updated", new["urn"], kind_of, new["name"], paths, holds(kind_of), "", moved_from)
    return None


def engine_urns(registrations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The registrations with URNs as the engine makes them (the parent's whole type chain, nothing for the root stack).

    A base revision's harness may have recorded the shorter URNs of the SDK's mock; rebuilt from each resource's
    type, name and parent (parents register first), both runs speak of the same resources in the same words.
    """
    qualified: dict[str, str] = {}
    result = []
    for r in registrations:
        head, _, _ = r["urn"].rpartition("::")
        cut = head.rfind("::") + 2
        prefix, recorded = head[:cut], head[cut:]  # urn:pulumi:<stack>::<project>::, and the recorded type chain
        parent = r.get("parent") or ""
        if parent.rpartition("::")[0].endswith("::pulumi:pulumi:Stack"):
            own = r["type"]  # the root stack is no part of a URN
        elif parent in qualified:
            own = f"{qualified[parent]}${r['type']}"
        else:
            own = recorded
        qualified[r["urn"]] = own
        result.append({**r, "urn": f"{prefix}{own}::{r['name']}"})
    return result


def diff_registrations(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[Change]:
    """Custom resources only: components hold nothing, and their renames show in their children's URNs."""
    old = {r["urn"]: r for r in engine_urns(before) if r.get("custom")}
    new = {r["urn"]: r for r in engine_urns(after) if r.get("custom")}
    claims = {alias: r for r in new.values() for alias in r.get("aliases", ()) if alias not in new}
    changes: list[Change] = []
    matched: set[str] = set()
    for urn, previous in old.items():
        if urn in new:
            current, moved = new[urn], None
        elif urn in claims:
            current, moved = claims[urn], urn
        else:
            changes.append(Change("removed", urn, previous["type"], previous["name"], (), holds(previous["type"]),
                                  "its URN is gone and no alias in the new run claims it: Pulumi deletes it"))
            continue
        matched.add(current["urn"])
        change = _compare(previous, current, moved)
        if change is not None:
            changes.append(change)
    changes += [Change("added", urn, r["type"], r["name"], (), holds(r["type"])) for urn, r in new.items() if urn not in matched]
    order = {"replaced": 0, "removed": 1, "updated": 2, "added": 3}
    return sorted(changes, key=lambda c: (order[c.kind], c.urn))
