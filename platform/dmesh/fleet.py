"""`dmesh upgrade status`: the fleet as the platform team sees it, which preset each domain is on and what is newer.

Presets are data the platform team versions by major (`batch@1`, `batch@2`); a preset may be marked deprecated
with a message and a date. Nothing here writes: it reads the mesh and the presets shipped with the platform.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from blueprints import DomainSpec
from blueprints.models import Preset


@dataclass(frozen=True)
class DomainStatus:
    domain: str
    preset: str
    latest: str
    deprecated: str | None  # the deprecation message with its date, when the preset is deprecated

    @property
    def behind(self) -> bool:
        return self.preset != self.latest


def latest_versions(presets: Mapping[str, Preset]) -> dict[str, str]:
    """The newest major of each preset name, as a reference (`batch@2`)."""
    newest: dict[str, Preset] = {}
    for preset in presets.values():
        if preset.name not in newest or preset.version > newest[preset.name].version:
            newest[preset.name] = preset
    return {name: f"{p.name}@{p.version}" for name, p in newest.items()}


def deprecation_of(preset: Preset | None) -> str | None:
    return preset.deprecated.note() if preset is not None and preset.deprecated is not None else None


def fleet_status(domains: Mapping[str, DomainSpec], presets: Mapping[str, Preset]) -> list[DomainStatus]:
    latest = latest_versions(presets)
    rows = []
    for spec in sorted(domains.values(), key=lambda s: s.name):
        preset = presets.get(spec.preset)
        name = spec.preset.split("@", 1)[0]
        rows.append(DomainStatus(spec.name, spec.preset, latest.get(name, spec.preset), deprecation_of(preset)))
    return rows


def summary(rows: list[DomainStatus]) -> dict[str, int]:
    """How many domains are on each preset version."""
    return dict(sorted(Counter(row.preset for row in rows).items()))
