"""`dmesh preview`: run every project under mocks, judge it with the real policy pack, report.

Programs run in parallel worker processes (one per project). As soon as one has run, the policy pack's own analyzer
(`judge.py`) judges what it registered, configured with the domain's effective config: exactly the config
`pulumi up --policy-pack-config` would give the pack.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from blueprints import DOMAIN_FILE, DomainSpec, Finding, domain_folders, handoff

from ..governance.config import PlatformConfig, effective_config, levels
from ..validation import Target, UsageError, validate_mesh
from .diagnostic import Diagnostic
from components.testing.registration import Registration
from components.tagging import PRODUCT_INPUT

from .locate import locate
from .project import Project, ProjectError, load_project, project_folders
from .shard import split
from .report import DomainTiming, ResourceEntry, ReviewError, ReviewReport, Summary, Violation

WORKER_TIMEOUT_S = 600
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


def forking_available() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("DMESH_FORK_WORKERS", "1") != "0"


class Zygote:
    """A review's process of one role (`zygote.py`): requests go in as lines, results come back by id."""

    def __init__(self, env: dict[str, str] | None = None, role: str = "programs", fork: bool = True) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "dmesh.review.zygote", role, "fork" if fork else "inline"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env)
        self._lock = threading.Lock()
        self._pids: dict[str, int] = {}
        self._codes: dict[str, int] = {}
        self._done: dict[str, threading.Event] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self._lock:
                if "pid" in message:
                    self._pids[message["id"]] = message["pid"]
                else:
                    self._codes[message["id"]] = message["code"]
                    self._done[message["id"]].set()
        with self._lock:  # the process ended: nothing else will finish
            for event in self._done.values():
                event.set()

    def run(self, request: dict[str, Any], timeout: float) -> int | None:
        """The request's exit code (its `output` names it); None when it did not end in time (it is killed: its child,
        or the whole process when it handles requests inline) or the process is gone."""
        request_id = str(request["output"])
        with self._lock:
            self._done[request_id] = done = threading.Event()
            if self.proc.poll() is not None:
                return None
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({**request, "id": request_id}) + "\n")
                self.proc.stdin.flush()
            except OSError:
                return None
        finished = done.wait(timeout)
        with self._lock:
            if not finished:
                if request_id in self._pids:
                    _kill(self._pids[request_id])
                else:
                    self.proc.kill()
            return self._codes.get(request_id)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        with self._lock:
            for request_id, pid in self._pids.items():
                if request_id not in self._codes:
                    _kill(pid)
        self.proc.kill()
        self.proc.wait()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


@dataclass(frozen=True)
class Judging:
    """What the pack needs besides a program's registrations, exactly what `pulumi preview --policy-pack-config` gives it."""

    policy_config: Mapping[str, Mapping[str, Any]]
    project: str
    stack: str
    stack_config: Mapping[str, Any]


class Workers:
    """The worker processes of one review: whatever ends the review (an error, Ctrl-C, SIGTERM) ends them too.

    On Linux programs run in children forked from one pre-imported process (`Zygote`); elsewhere, or for another
    checkout of the platform (`code_root`), each program gets its own fresh interpreter. With `judge`, a second
    process holds the policy pack's analyzer (`judge.py`) and judges each program as soon as it has run, one at a time.
    """

    def __init__(self, fork: bool | None = None, env: Mapping[str, str] | None = None, judge: bool = False) -> None:
        self._env = {**os.environ, **(env or {})}  # what every program gets (e.g. blueprints.handoff.ENV)
        self._live: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self.stopping = False
        self._fork = forking_available() if fork is None else fork
        self._judging = judge
        self._zygote: Zygote | None = None
        self._judge: Zygote | None = None

    def start(self) -> None:
        """Start the processes now, so their imports overlap the caller's work (they are otherwise started on first use)."""
        self._zygote_for_run()
        self._judge_for_run()

    def _zygote_for_run(self) -> Zygote | None:
        with self._lock:
            if self.stopping or not self._fork:
                return None
            if self._zygote is None:
                self._zygote = Zygote(self._env)
            return self._zygote

    def _judge_for_run(self) -> Zygote | None:
        with self._lock:
            if self.stopping or not self._judging:
                return None
            if self._judge is None:
                # inline, one program after another: judging is a fifth of a program's CPU, so one process keeps up with
                # every core running programs, and a forked judge per program only cost memory (50 MiB each)
                self._judge = Zygote(dict(os.environ), role="judge", fork=False)
            return self._judge

    def run(self, folder: Path, stack: str, code_root: Path | None = None) -> tuple[list[Registration], str | None, float]:
        """Run one project; `code_root` runs it against another checkout of the platform (its blueprints and components)."""
        registrations, error, seconds, _ = self.review(folder, stack, code_root=code_root)
        return registrations, error, seconds

    def review(self, folder: Path, stack: str, judging: Judging | None = None,
               code_root: Path | None = None) -> tuple[list[Registration], str | None, float, list[Diagnostic]]:
        """Run one project and, with `judging`, judge what it registered: registrations, error, the program's seconds, diagnostics."""
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="dmesh-preview-") as tmp:
            output = Path(tmp) / "result.json"
            zygote = self._zygote_for_run() if code_root is None else None
            if zygote is not None:
                code = zygote.run({"folder": str(folder.resolve()), "stack": stack, "output": str(output)}, WORKER_TIMEOUT_S)
                if code is None and not output.is_file():
                    return [], f"the program did not finish within {WORKER_TIMEOUT_S} s", time.perf_counter() - start, []
                stderr = _log_of(output)
            else:
                code, stderr, failure = self._spawn(folder, stack, output, code_root)
                if failure:
                    return [], failure, time.perf_counter() - start, []
            if not output.is_file():
                return [], f"the program crashed (exit {code}):\n{_tail(stderr)}", time.perf_counter() - start, []
            result = json.loads(output.read_text(encoding="utf-8"))
            seconds = time.perf_counter() - start
            registrations = [Registration.from_dict(r) for r in result["registrations"]]
            if result["error"] or judging is None:
                return registrations, result["error"], seconds, []
            diagnostics, error = self._judged(output, Path(tmp) / "diagnostics.json", judging)
        return registrations, error, seconds, diagnostics

    def _judged(self, registrations: Path, output: Path, judging: Judging) -> tuple[list[Diagnostic], str | None]:
        judge = self._judge_for_run()
        if judge is None:
            return [], "the review was stopped"
        code = judge.run({"registrations": str(registrations), "output": str(output), "policy_config": judging.policy_config,
                          "project": judging.project, "stack": judging.stack, "stack_config": judging.stack_config}, WORKER_TIMEOUT_S)
        if not output.is_file():
            if code is not None:
                why = f"crashed (exit {code}):\n{_tail(_log_of(output))}"
            else:
                why = f"did not finish within {WORKER_TIMEOUT_S} s" if judge.alive else "process ended unexpectedly"
            return [], f"the policy pack {why}"
        answer = json.loads(output.read_text(encoding="utf-8"))
        return [Diagnostic(**d) for d in answer["diagnostics"]], answer["error"]

    def _spawn(self, folder: Path, stack: str, output: Path, code_root: Path | None) -> tuple[int | None, str, str | None]:
        env = dict(self._env)
        if code_root is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(code_root), str(code_root / "platform"), os.environ.get("PYTHONPATH", "")])
        with self._lock:
            if self.stopping:
                return None, "", "the review was stopped"
            proc = subprocess.Popen([sys.executable, "-m", "dmesh.review.worker", str(folder), stack, str(output)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder, env=env)
            self._live.add(proc)
        try:
            _, stderr = proc.communicate(timeout=WORKER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None, "", f"the program did not finish within {WORKER_TIMEOUT_S} s"
        finally:
            with self._lock:
                self._live.discard(proc)
        return proc.returncode, stderr, None

    def stop(self) -> None:
        with self._lock:
            self.stopping = True
            live = list(self._live)
            processes = [p for p in (self._zygote, self._judge) if p is not None]
        for proc in live:
            proc.kill()
        for proc in live:
            proc.wait()
        for process in processes:
            process.stop()


def _log_of(output: Path) -> str:
    log = Path(f"{output}.log")
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def _tail(text: str) -> str:
    return "\n".join((text or "").strip().splitlines()[-15:])


def review(path: Path, platform_config: PlatformConfig, stack: str = "dev", jobs: int | None = None,
           progress: Progress | None = None, shard: tuple[int, int] | None = None) -> ReviewReport:
    """Review every project under `path` (or shard I of N of them) under the resolved rule book; raises UsageError when there is nothing to review."""
    started = time.perf_counter()
    if not path.is_dir():
        raise UsageError(f"no such folder: {path}")
    folders = project_folders(path)
    if not folders:
        raise UsageError(f"{path} holds no Pulumi project (a folder with Pulumi.yaml) and no domain")
    if shard is not None:
        folders = split(folders, shard[1])[shard[0] - 1]
    report_step = progress or (lambda _msg, _total: None)
    handover = Path(tempfile.mkdtemp(prefix="dmesh-specs-"))  # private (0700): the validated specs for the programs
    # The forking worker and the judging process load (about a second each) while the mesh is validated.
    workers = Workers(env={handoff.ENV: str(handover / "specs.pickle")}, judge=True)
    workers.start()
    try:
        return _review(path, folders, platform_config, stack, jobs, report_step, workers, handover, started)
    finally:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt by the CLI), an error or success: no process outlives the review
        workers.stop()
        shutil.rmtree(handover, ignore_errors=True)


def _review(path: Path, folders: list[Path], platform_config: PlatformConfig, stack: str, jobs: int | None, report_step: Progress,
            workers: Workers, handover: Path, started: float) -> ReviewReport:
    errors: list[ReviewError] = []
    specs: dict[Path, DomainSpec] = {}
    broken: set[Path] = set()
    target = _mesh_target(path)
    if target is not None:
        mesh, findings = validate_mesh(target, levels(platform_config))
        specs = {spec.folder: spec for spec in mesh.complete().values()}
        reviewed = {f.resolve() for f in folders}
        errors += [_finding_error(f) for f in findings if any(f.file.resolve().is_relative_to(r) for r in reviewed)]
        # a domain whose blueprint is invalid is reported, not run: its program would stop on the same error
        broken = {r for r in reviewed if any(f.file.resolve().is_relative_to(r) for f in findings)}

    runnable: list[Project] = []
    for folder in folders:
        if folder.resolve() in broken:
            continue
        try:
            runnable.append(load_project(folder, stack))
        except ProjectError as exc:
            errors.append(ReviewError(domain=folder.name, file=str(folder / "Pulumi.yaml"), line=0, message=str(exc)))

    if specs:
        handoff.write(handover / "specs.pickle", {spec.name: spec for spec in specs.values()})

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
        futures = {pool.submit(workers.review, project.folder, stack, judging(project)): project for project in runnable}
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
    domain = finding.file.resolve().parent
    if domain.name == "contracts":
        domain = domain.parent
    return ReviewError(domain=domain.name, file=str(finding.file), line=finding.line,
                       message=f"{finding.field}: {finding.message}" + (f" ({finding.hint})" if finding.hint else ""))
