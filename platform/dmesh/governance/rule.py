"""What a rule is: its check and, beside it, everything the pack, the CLI and the reports say about it.

In the spirit of pulumi/compliance-policies' `registerPolicy`: each rule module ends with the `Rule`s
of its checks, so a rule's name, description, default level, severity, topics and settings are
written once, next to the code that enforces them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .levels import Level
from .resources import ResourceView

ResourceCheck = Callable[[ResourceView, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Sequence[ResourceView], Mapping[str, Any]], Iterable[tuple[str, str]]]
Severity = Literal["low", "medium", "high", "critical"]
# GitHub code scanning ranks results by `security-severity` (0.0-10.0, CVSS bands)
SECURITY_SEVERITY: dict[Severity, str] = {"low": "2.0", "medium": "5.5", "high": "8.0", "critical": "9.5"}


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    level: Level
    scope: Literal["resource", "stack"]
    check: ResourceCheck | StackCheck
    severity: Severity
    topics: tuple[str, ...]
    # JSON Schema properties of the rule's settings; each property's `default` is the setting's default
    config_schema: Mapping[str, Any] = field(default_factory=dict)

    @property
    def defaults(self) -> dict[str, Any]:
        return {key: prop["default"] for key, prop in self.config_schema.items() if "default" in prop}

    def settings(self, config: Mapping[str, Any] | None) -> dict[str, Any]:
        """The rule's settings: its defaults overlaid with the configured values."""
        return {**self.defaults, **(config or {})}
