"""A Pulumi project as the review runs it: what `project.load_project` read, handed to the process that runs it.

Plain data, apart from `project.py`'s readers (pydantic, the YAML readers): the review's forking worker is handed
each project already read and loads neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Project:
    folder: Path
    name: str
    stack: str
    config: dict[str, Any]
    main_dir: Path

    @property
    def main_file(self) -> Path:
        return self.main_dir / "__main__.py"

    def as_request(self) -> dict[str, Any]:
        """As a worker request carries it (JSON: the config is what a YAML stack file holds)."""
        return {"folder": str(self.folder), "name": self.name, "stack": self.stack, "config": self.config, "main_dir": str(self.main_dir)}

    @classmethod
    def from_request(cls, given: dict[str, Any]) -> Project:
        return cls(Path(given["folder"]), given["name"], given["stack"], given["config"], Path(given["main_dir"]))
