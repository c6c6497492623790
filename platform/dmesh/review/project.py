"""A Pulumi Python project as the review sees it: name, stack config, optional domain blueprint."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from blueprints.errors import BlueprintError
from blueprints.paths import leads_out, resolved
from blueprints.vocabulary import PROJECT_FILE
from blueprints.yaml_source import read_yaml

from .program import Project


class ProjectError(Exception):
    """The project cannot be run (missing files, wrong runtime, unreadable config)."""


_Model = TypeVar("_Model", bound=BaseModel)


class _Runtime(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str


class _ProjectFile(BaseModel):
    """The keys of Pulumi.yaml the review reads (the CLI's project schema has more; they are left to it)."""

    model_config = ConfigDict(extra="allow")
    name: str | None = None
    runtime: _Runtime | None = None
    main: str | None = None
    config: dict[str, Any] | None = None

    @field_validator("runtime", mode="before")
    @classmethod
    def _runtime_by_name(cls, value: Any) -> Any:
        """`runtime: python` is short for `runtime: {name: python}`."""
        if isinstance(value, str):
            return {"name": value}
        if value is not None and not isinstance(value, dict):
            raise ValueError("must be a runtime name (python) or a mapping with a name")
        return value


class _StackFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    config: dict[str, Any] | None = None


_PROBLEMS = {"model_type": "must be a mapping", "dict_type": "must be a mapping", "string_type": "must be a string"}


def _read(file: Path, model: type[_Model], reference: str) -> _Model:
    """Read with the blueprints' reader, bounded in size, depth and alias expansion: a domain team writes these files
    too, and the config they hold is serialized for every program (an alias bomb there once hung the review). A file
    that links out of its project folder is refused, not read: its content would reach programs and messages."""
    target = leads_out(file, resolved(file.parent))
    if target is not None:
        raise ProjectError(f"{file}: must live inside the project folder; it links to {target} (commit the file itself)")
    try:
        data = read_yaml(file).data
    except BlueprintError as exc:
        raise ProjectError(f"{file}: cannot read: {'; '.join(' '.join(f.message.split()) for f in exc.findings)}") from None
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:  # the first problem is enough to say why the project cannot run
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        if error["type"] == "missing":
            problem = "is missing"
        else:
            problem = _PROBLEMS.get(error["type"]) or str(error.get("ctx", {}).get("error") or error["msg"])
            problem += f", not {repr(error['input'])[:80]}"
        raise ProjectError(f"{file}: {where} {problem} (see {reference})") from None


def settings_file(stack: str) -> str:
    """Pulumi.<name>.yaml of a stack, named (as the CLI names it) by the last part of `org/project/stack`."""
    return f"Pulumi.{stack.rsplit('/', 1)[-1]}.yaml"


def read_stack_file(file: Path) -> dict[str, Any]:
    """A stack settings file (Pulumi.<stack>.yaml) with its keys as written; `config` is always a mapping."""
    settings = _read(file, _StackFile, "https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/")
    return {**(settings.model_extra or {}), "config": settings.config or {}}


def load_project(folder: Path, stack: str) -> Project:
    folder = folder.resolve()
    settings = _read(folder / PROJECT_FILE, _ProjectFile, "https://www.pulumi.com/docs/iac/concepts/projects/project-file/")
    runtime = settings.runtime.name if settings.runtime else None
    if runtime is None:
        raise ProjectError(f"{folder / PROJECT_FILE}: runtime is missing; add `runtime: python` (dmesh preview runs Python programs)")
    if runtime != "python":
        raise ProjectError(f"{folder / PROJECT_FILE}: runtime is {runtime!r}; dmesh preview runs Python programs only")
    main_dir = resolved(folder / (settings.main or "."))  # a `main` through links that loop finds no program, below
    if not (main_dir / "__main__.py").is_file():
        raise ProjectError(f"{main_dir}: no __main__.py to run")
    name = settings.name or folder.name
    config: dict[str, Any] = {}
    for key, spec in (settings.config or {}).items():
        default = spec.get("default") if isinstance(spec, dict) else spec
        if default is not None:
            config[key if ":" in key else f"{name}:{key}"] = default
    stack_file = folder / settings_file(stack)
    if stack_file.is_file():
        stack_config = read_stack_file(stack_file)["config"]
        config.update({k if ":" in k else f"{name}:{k}": v for k, v in stack_config.items()})
    return Project(folder, name, stack, config, main_dir)


def project_folders(path: Path) -> list[Path]:
    """One project if `path` is a project, else every project directly under it."""
    if (path / PROJECT_FILE).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (p / PROJECT_FILE).is_file())
