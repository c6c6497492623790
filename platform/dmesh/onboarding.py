"""`dmesh init`: a new domain from the cookiecutter template, all or nothing.

The template is rendered into a hidden folder inside the mesh root, moved into place with one
rename (atomic on one filesystem, and refused if the domain appeared meanwhile), then validated in
the context of the whole mesh; any failure removes what was generated.
"""

from __future__ import annotations

import json
import os
import shlex
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


def repository_root(path: Path) -> Path:
    """The git repository holding `path` (where CI reads `.github/workflows/`); its parent folder outside git."""
    resolved = path.resolve()
    return next((p for p in (resolved, *resolved.parents) if (p / ".git").exists()), resolved.parent)


def ci_workflow(domain: str, mesh_path: str) -> str:
    """The pull-request workflow of one domain, path-filtered to the domain's folder.

    Values enter YAML as JSON strings and shell commands as quoted words, so no path can change the workflow.
    """
    folder = f"{mesh_path}/{domain}" if mesh_path not in ("", ".") else domain
    quoted, report = shlex.quote(folder), shlex.quote(f"dmesh-{domain}.sarif")
    return f"""# Governance checks for domain {domain} on every pull request that touches it (written by `dmesh init`).
name: {json.dumps(f"dmesh {domain}")}
on:
  pull_request:
    paths:
      - {json.dumps(f"{folder}/**")}
permissions:
  contents: read
  security-events: write
jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: make setup
      - name: Validate the blueprint
        run: {json.dumps(f".venv/bin/dmesh validate {quoted}")}
      - name: Policy review
        run: {json.dumps(f".venv/bin/dmesh preview {quoted} --format sarif --output {report}")}
      - name: Upload the review to code scanning
        if: ${{{{ always() }}}}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: {json.dumps(f"dmesh-{domain}.sarif")}
          category: {json.dumps(f"dmesh-{domain}")}
"""


def workflow_file(mesh_root: Path, domain: str) -> Path:
    return repository_root(mesh_root) / ".github" / "workflows" / f"dmesh-{domain}.yml"


def init_domain(mesh_root: Path, values: Mapping[str, str], template: Path = TEMPLATE_DIR) -> tuple[Path, Path, list[Finding]]:
    """Generate `mesh_root/<domain>` and its CI workflow; returns both, or raises with every problem and leaves nothing."""
    found = problems(values, mesh_root)
    workflow = workflow_file(mesh_root, values.get("domain", ""))
    if not found and workflow.exists():
        found.append(f"{workflow} already exists; a domain's workflow is never overwritten")
    if found:
        raise OnboardingError(found)
    target = mesh_root / values["domain"]
    try:
        staging = Path(tempfile.mkdtemp(dir=mesh_root, prefix=".dmesh-init-"))
    except OSError as exc:  # a mesh root the user may not write to: say so, write nothing
        raise OnboardingError([f"cannot write in {mesh_root}: {exc.strerror}"]) from None
    try:
        try:  # values were checked above with the hook's own function; a hook failure prints its reasons itself
            generated = Path(cookiecutter(str(template), no_input=True, extra_context=dict(values), output_dir=str(staging)))
        except CookiecutterException as exc:
            raise OnboardingError([f"the template failed: {exc}"]) from None
        for cache in list(generated.rglob("__pycache__")):  # bytecode of a template compiled in place is nobody's domain
            if cache.is_symlink() or not cache.is_dir():
                cache.unlink()
            else:
                shutil.rmtree(cache)
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
    mesh_path = mesh_root.resolve().relative_to(repository_root(mesh_root)).as_posix()
    try:
        workflow.parent.mkdir(parents=True, exist_ok=True)
        workflow.write_text(ci_workflow(values["domain"], mesh_path), encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise OnboardingError([f"cannot write {workflow}: {exc.strerror}"]) from None
    return target, workflow, findings
