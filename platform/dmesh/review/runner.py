"""`dmesh preview`: run every project under mocks, judge it with the real policy pack, report.

Programs run in parallel worker processes (one per project). As soon as one has run, the policy pack's own analyzer
(`judge.py`) judges what it registered, configured with the domain's effective config: exactly the config
`pulumi up --policy-pack-config` would give the pack.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from blueprints import DOMAIN_FILE, DomainSpec, Finding, domain_folders, handoff
from blueprints.paths import resolved
from blueprints.vocabulary import PROJECT_FILE

from ..governance.config import PlatformConfig, effective_config, levels
from ..validation import Target, UsageError, validate_mesh
from .diagnostic import Diagnostic
from components.testing.registration import Registration
from components.tagging import PRODUCT_INPUT

from .locate import locate
from .project import Project, ProjectError, load_project, project_folders
from .shard import split
from .report import DomainTiming, ResourceEntry, ReviewError, ReviewReport, Summary, Violation
from .workers import Judging, Workers

Progress = Callable[[str, int], None]  # (what just finished, how many steps in all: one per project)


@dataclass
class ProjectRun:
    project: Project
    domain: str
    spec: DomainSpec | None
    registrations: list[Registration]
    error: str | None
    seconds: float
    diagnostics: list[Diagnostic]


def _mesh_target(path: Path) -> Target | None:
    """The mesh the reviewed projects belong to, if any (mesh checks need every domain in view)."""
    if (path / DOMAIN_FILE).is_file():
        return Target(path.resolve().parent, path.resolve())
    if domain_folders(path):
        return Target(path.resolve(), None)
    return None


def review(path: Path, platform_config: PlatformConfig, stack: str = "dev", jobs: int | None = None,
           progress: Progress | None = None, shard: tuple[int, int] | None = None, workers: Workers | None = None) -> ReviewReport:
    """Review every project under `path` (or shard I of N of them) under the resolved rule book; raises UsageError when there is nothing to review.

    `workers` (`Workers.for_review()`, started early by the caller) are the review's to stop, as the ones it starts.
    """
    started = time.perf_counter()
    try:
        folders = _chosen(path, shard)
        if workers is None:  # the forking worker loads (about a second) while the mesh is validated: the first program waits for it
            workers = Workers.for_review()
        return _review(path, folders, platform_config, stack, jobs, progress or (lambda _msg, _total: None), workers, started)
    finally:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt by the CLI), an error or success: no process outlives the review
        if workers is not None:
            workers.stop()


def _chosen(path: Path, shard: tuple[int, int] | None) -> list[Path]:
    if not path.is_dir():
        raise UsageError(f"no such folder: {path}")
    folders = project_folders(path)
    if not folders:
        raise UsageError(f"{path} holds no Pulumi project (a folder with Pulumi.yaml) and no domain")
    return split(folders, shard[1])[shard[0] - 1] if shard is not None else folders


def _review(path: Path, folders: list[Path], platform_config: PlatformConfig, stack: str, jobs: int | None, report_step: Progress,
            workers: Workers, started: float) -> ReviewReport:
    errors: list[ReviewError] = []
    specs: dict[Path, DomainSpec] = {}
    broken: set[Path] = set()
    target = _mesh_target(path)
    if target is not None:
        mesh, findings = validate_mesh(target, levels(platform_config))
        specs = {spec.folder: spec for spec in mesh.complete().values()}
        reviewed = {f.resolve() for f in folders}
        errors += [_finding_error(f) for f in findings if any(resolved(f.file).is_relative_to(r) for r in reviewed)]
        # a domain whose blueprint is invalid is reported, not run: its program would stop on the same error
        broken = {r for r in reviewed if any(resolved(f.file).is_relative_to(r) for f in findings)}

    # The judging process starts now, not with the forking worker: it is needed only once a program has run, and three
    # processes loading at once on two cores slowed the forking worker (one domain of a 200-domain mesh: 1.63 s -> 1.51 s).
    workers.start_judge()
    runnable: list[Project] = []
    for folder in folders:
        if folder.resolve() in broken:
            continue
        try:
            runnable.append(load_project(folder, stack))
        except ProjectError as exc:
            errors.append(ReviewError(domain=folder.name, file=str(folder / PROJECT_FILE), line=0, message=str(exc)))

    if specs and workers.specs_file is not None:
        handoff.write(workers.specs_file, {spec.name: spec for spec in specs.values()})

    def judging(project: Project) -> Judging:
        spec = specs.get(project.folder)
        return Judging(effective_config(platform_config, spec.overrides if spec else ()), project.name, project.stack, project.config)

    # Each program's registrations are read into the report as it finishes, then dropped: a large mesh's resources
    # and their inputs never all sit in this process at once.
    resources: list[ResourceEntry] = []
    violations: list[Violation] = []
    timings: dict[Path, DomainTiming] = {}
    pool = ThreadPoolExecutor(max_workers=jobs or max(os.cpu_count() or 1, 1))
    try:
        futures = {pool.submit(workers.review, project.folder, stack, judging(project), project=project): project for project in runnable}
        for future in as_completed(futures):  # progress as programs finish; the report keeps the folders' order
            project = futures.pop(future)  # nothing keeps the result once it is in the report
            registrations, error, seconds, diagnostics = future.result()
            spec = specs.get(project.folder)
            run = ProjectRun(project, spec.name if spec else project.name, spec, registrations, error, seconds, diagnostics)
            timings[project.folder] = DomainTiming(domain=run.domain, resources=len(registrations), seconds=round(seconds, 3))
            resources += [ResourceEntry(domain=run.domain, urn=r.urn, type=r.type, name=r.name) for r in registrations]
            if error:
                errors.append(ReviewError(domain=run.domain, file=str(project.main_file), line=0, message=error))
            else:
                errors += _undeployed_products(run)
                violations += _violations(run)
            report_step(f"reviewed {project.folder.name} ({len(registrations)} resources, {seconds:.1f} s)", len(runnable))
    except BaseException:
        workers.stop()  # before the pool waits for the runs still going
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

    resources.sort(key=lambda r: (r.domain, r.urn))
    return ReviewReport(  # sorted, so two runs over the same mesh give the same JSON (timings aside)
        resources=resources,
        violations=sorted(violations, key=lambda v: (v.domain, v.urn, v.policy, v.message)),
        summary=Summary(domains=len(folders), resources=len(resources), mandatory=sum(v.enforcement == "mandatory" for v in violations),
                        advisory=sum(v.enforcement == "advisory" for v in violations), errors=len(errors)),
        errors=sorted(errors, key=lambda e: (e.domain, e.file, e.line, e.message)),
        timings=[timings[p.folder] for p in runnable if p.folder in timings],
        seconds=round(time.perf_counter() - started, 3),
    )


def _violations(run: ProjectRun) -> list[Violation]:
    by_urn = {r.urn: r for r in run.registrations}
    found = []
    for d in run.diagnostics:
        file, line = locate(d.urn, by_urn, run.spec, run.project.main_file)
        found.append(Violation(domain=run.domain, policy=d.policy, enforcement="mandatory" if d.enforcement == "mandatory" else "advisory",
                               urn=d.urn, message=d.message, file=str(file), line=line))
    return found


def _undeployed_products(run: ProjectRun) -> list[ReviewError]:
    """A domain program that builds fewer products than its blueprint declares would pass review while the blueprint lies."""
    if run.spec is None:
        return []
    built = {str(r.inputs.get(PRODUCT_INPUT)) for r in run.registrations if not r.custom and r.inputs.get(PRODUCT_INPUT)}
    return [ReviewError(domain=run.domain, file=str(run.spec.file), line=run.spec.line_of(f"spec.dataProducts[{i}]"),
                        message=f"the program builds nothing for product {p.name!r}, which domain.yaml declares; "
                                f"its __main__.py must call deploy_domain(__file__)")
            for i, p in enumerate(run.spec.products) if p.name not in built]


def _finding_error(finding: Finding) -> ReviewError:
    domain = resolved(finding.file).parent
    if domain.name == "contracts":
        domain = domain.parent
    return ReviewError(domain=domain.name, file=str(finding.file), line=finding.line,
                       message=(f"{finding.field}: " if finding.field else "") + finding.message + (f" ({finding.hint})" if finding.hint else ""))
