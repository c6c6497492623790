"""`dmesh init`: a new domain from the cookiecutter template, all or nothing.

The template is rendered into a hidden folder inside the mesh root, moved into place with one
rename (atomic on one filesystem, and refused if the domain appeared meanwhile), then validated in
the context of the whole mesh; any failure removes what was generated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter

from blueprints import Finding
from blueprints.onboarding import problems

from .validation import Target, validate_mesh

TEMPLATE_DIR = Path(str(files("blueprints") / "template"))  # package data: there in an installed platform too


class OnboardingError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def init_domain(mesh_root: Path, values: Mapping[str, str], template: Path = TEMPLATE_DIR) -> tuple[Path, list[Finding]]:
    """Generate `mesh_root/<domain>`; returns the folder, or raises with every problem and leaves nothing."""
    found = problems(values, mesh_root)
    if found:
        raise OnboardingError(found)
    target = mesh_root / values["domain"]
    staging = Path(tempfile.mkdtemp(dir=mesh_root, prefix=".dmesh-init-"))
    try:
        try:  # values were checked above with the hook's own function; a hook failure prints its reasons itself
            generated = Path(cookiecutter(str(template), no_input=True, extra_context=dict(values), output_dir=str(staging)))
        except CookiecutterException as exc:
            raise OnboardingError([f"the template failed: {exc}"]) from None
        try:
            os.rename(generated, target)
        except OSError as exc:
            raise OnboardingError([f"cannot create {target}: {exc.strerror}"]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _, findings = validate_mesh(Target(mesh_root.resolve(), target.resolve()))
    if findings:
        shutil.rmtree(target, ignore_errors=True)
        raise OnboardingError([f.render(mesh_root) for f in findings])
    return target, findings
