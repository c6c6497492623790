"""Validation findings that point at the exact place a domain team must fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .paths import resolved


@dataclass(frozen=True)
class Finding:
    """One problem in a blueprint or contract.

    `line` is 1-based; 0 means the problem concerns the file as a whole.
    """

    file: Path
    line: int
    field: str
    message: str
    hint: str = ""

    def render(self, relative_to: Path | None = None) -> str:
        """Format as `FILE:LINE: FIELD.PATH: message (hint)`, the shape editors and CI annotate."""
        path = self.file
        if relative_to is not None:
            try:
                path = resolved(self.file).relative_to(resolved(relative_to))
            except ValueError:
                pass
        text = f"{path}:{self.line}: {self.field or '<document>'}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.file),
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


class BlueprintError(Exception):
    """Raised by the loader with every finding of a document, never just the first."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = sorted(findings, key=lambda f: (str(f.file), f.line, f.field))
        super().__init__("\n".join(f.render() for f in self.findings))


class PresetError(BlueprintError):
    """A packaged preset is invalid: the platform's bug, which stops a mesh's load instead of failing one domain."""
