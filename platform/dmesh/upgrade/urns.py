"""The URNs of every domain's resources, recorded at a release, so a later refactor that drops an alias is caught.

A resource keeps its state only while its URN stays the same or a new resource claims the old URN as an alias;
`missing` lists the recorded URNs nothing in the current run answers for (Pulumi would delete those resources).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .snapshot import Snapshot


def urn_sets(snapshots: Mapping[str, Snapshot]) -> dict[str, list[str]]:
    """Per domain, the sorted URNs of its custom resources (components hold no state)."""
    result = {}
    for domain, (registrations, error) in sorted(snapshots.items()):
        if error:
            raise RuntimeError(f"{domain}: {error}")
        result[domain] = sorted(r["urn"] for r in registrations if r.get("custom"))
    return result


def missing(recorded: Mapping[str, list[str]], snapshots: Mapping[str, Snapshot]) -> dict[str, list[str]]:
    """Recorded URNs that no current resource has or claims, per domain."""
    gaps: dict[str, list[str]] = {}
    for domain, urns in sorted(recorded.items()):
        registrations: list[dict[str, Any]] = snapshots.get(domain, ([], None))[0]
        answered = {r["urn"] for r in registrations} | {a for r in registrations for a in r.get("aliases", ())}
        lost = [u for u in urns if u not in answered]
        if lost:
            gaps[domain] = lost
    return gaps
