"""What the engine would hand a policy pack about one registered resource, as plain data.

Its own module, free of the Pulumi SDK, so a process that only reads registrations (the review's parent, which
writes the report) does not import the SDK.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    protect: bool
    retain_on_delete: bool
    inputs: dict[str, Any]
    state: dict[str, Any]
    provider: str = ""
    source_file: str = ""
    source_line: int = 0
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)  # the URNs this resource claims (its own earlier identities)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Registration:
        return cls(**data)
