"""What the engine would hand a policy pack about one registered resource, as plain data.

Its own module, free of the Pulumi SDK, so a process that only reads registrations (the review's parent, which
writes the report) does not import the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
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
        """The fields as they are, not copied (`dataclasses.asdict` deep-copies every input: 6% of a program's time
        in a review, whose registrations are written out as JSON at once)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Registration:
        return cls(**data)
