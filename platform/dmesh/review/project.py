"""A Pulumi Python project as the review sees it: name, stack config, optional domain blueprint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

PROJECT_FILE = "Pulumi.yaml"


class ProjectError(Exception):
    """The project cannot be run (missing files, wrong runtime, unreadable config)."""


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


def _read(file: Path) -> Any:
    try:
        return YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise ProjectError(f"{file}: cannot read: {exc}") from None


def settings_file(stack: str) -> str:
    """Pulumi.<name>.yaml of a stack, named (as the CLI names it) by the last part of `org/project/stack`."""
    return f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml"


def load_project(folder: Path, stack: str) -> Project:
    folder = folder.resolve()
    settings = _read(folder / PROJECT_FILE) or {}
    runtime = settings.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProjectError(f"{folder / PROJECT_FILE}: runtime is {runtime_name!r}; dmesh preview runs Python programs only")
    main_dir = (folder / str(settings.get("main") or ".")).resolve()
    if not (main_dir / "__main__.py").is_file():
        raise ProjectError(f"{main_dir}: no __main__.py to run")
    name = str(settings.get("name") or folder.name)
    config: dict[str, Any] = {}
    for key, spec in (settings.get("config") or {}).items():
        default = spec.get("default") if isinstance(spec, dict) else spec
        if default is not None:
            config[key if ":" in key else f"{name}:{key}"] = default
    stack_file = folder / settings_file(stack)
    if stack_file.is_file():
        stack_config = (_read(stack_file) or {}).get("config") or {}
        config.update({k if ":" in k else f"{name}:{k}": v for k, v in stack_config.items()})
    return Project(folder, name, stack, config, main_dir)


def project_folders(path: Path) -> list[Path]:
    """One project if `path` is a project, else every project directly under it."""
    if (path / PROJECT_FILE).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / PROJECT_FILE).is_file())
