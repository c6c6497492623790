"""Runs one project's program under mocks in a fresh process and prints what it registered.

`python -m dmesh.review.worker <folder> <stack>`: one process per project, so each
program gets a fresh Pulumi runtime, its own config and its own sys.path.
"""

from __future__ import annotations

import gc
import json
import sys
import traceback
from pathlib import Path

import pulumi

from components.testing import DEFAULT_ACCOUNT, DEFAULT_REGION, MeshMocks, run_project

from .program import Project


def _program_error(exc: BaseException, folder: Path) -> str:
    """The error and the last frame inside the project (the user's code), without the SDK's frames."""
    if isinstance(exc, pulumi.RunError):
        return str(exc)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(folder)]
    where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"{where}{type(exc).__name__}: {exc}"


def main(argv: list[str]) -> int:
    """`python -m dmesh.review.worker <folder> <stack> <output>`: the project read here, its program run."""
    from .project import ProjectError, load_project  # pydantic and the YAML readers: only where nobody read it already

    folder, stack, output = Path(argv[0]), argv[1], Path(argv[2])
    try:
        project = load_project(folder, stack)
    except ProjectError as exc:
        return _result(output, {"registrations": [], "error": str(exc)})
    return run(project, output)


def run(project: Project, output: Path) -> int:
    result: dict[str, object] = {"registrations": [], "error": None}
    gc.freeze()  # the imports outlive the program: keep them out of every collection (see zygote.py)
    try:
        config = project.config
        mocks = MeshMocks(str(config.get("dmesh:accountId", DEFAULT_ACCOUNT)), str(config.get("aws:region", DEFAULT_REGION)))
        registrations = run_project(project.main_dir, project=project.name, stack=project.stack, mocks=mocks, config=config)
        result["registrations"] = [r.as_dict() for r in registrations]
    except BaseException as exc:  # noqa: BLE001 - any failure of the user's program is reported, not raised
        result["error"] = _program_error(exc, project.folder.resolve())
    return _result(output, result)


def _result(output: Path, result: dict[str, object]) -> int:
    output.write_text(json.dumps(result), encoding="utf-8")
    return 0 if result["error"] is None else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
