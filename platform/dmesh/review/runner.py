"""`dmesh preview`: run every project under mocks, judge it with the real policy pack, report.

Programs run in parallel worker processes (one per project); the policy pack runs once
and is reconfigured per domain with that domain's effective config, exactly the config
`pulumi up --policy-pack-config` would get.
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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from blueprints import DOMAIN_FILE, DomainSpec, Finding, domain_folders, handoff

from ..governance.config import PlatformConfig, effective_config, levels
from ..validation import Target, UsageError, validate_mesh
from .analyzer import Diagnostic, PolicyPackClient
from components.testing import Registration
from components.tagging import PRODUCT_INPUT

from .locate import locate
from .project import Project, ProjectError, load_project, project_folders
from .shard import split
from .report import DomainTiming, ResourceEntry, ReviewError, ReviewReport, Summary, Violation

WORKER_TIMEOUT_S = 600
Progress = Callable[[str, int], None]  # (what just finished, how many steps in all: two per project)


@dataclass
class ProjectRun:
    project: Project
    domain: str
    spec: DomainSpec | None
    registrations: list[Registration]
    error: str | None
    seconds: float


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
    """The review's forking worker process (`zygote.py`): requests go in as lines, results come back by id."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "dmesh.review.zygote"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env)
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
        with self._lock:  # the zygote ended: nothing else will finish
            for event in self._done.values():
                event.set()

    def run(self, folder: Path, stack: str, output: Path, timeout: float) -> int | None:
        """The child's exit code; None when it did not end in time (it is killed) or the zygote is gone."""
        request_id = str(output)
        with self._lock:
            self._done[request_id] = threading.Event()
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"id": request_id, "folder": str(folder), "stack": stack, "output": str(output)}) + "\n")
            self.proc.stdin.flush()
        finished = self._done[request_id].wait(timeout)
        with self._lock:
            if not finished and request_id in self._pids:
                _kill(self._pids[request_id])
            return self._codes.get(request_id)

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


class Workers:
    """The worker processes of one review: whatever ends the review (an error, Ctrl-C, SIGTERM) ends them too.

    On Linux programs run in children forked from one pre-imported process (`Zygote`); elsewhere, or for another
    checkout of the platform (`code_root`), each program gets its own fresh interpreter.
    """

    def __init__(self, fork: bool | None = None, env: Mapping[str, str] | None = None) -> None:
        self._env = {**os.environ, **(env or {})}  # what every program gets (e.g. blueprints.handoff.ENV)
        self._live: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self.stopping = False
        self._fork = forking_available() if fork is None else fork
        self._zygote: Zygote | None = None

    def start(self) -> None:
        """Start the forking process now, so its imports overlap the caller's work (it is otherwise started by the first run)."""
        self._zygote_for_run()

    def _zygote_for_run(self) -> Zygote | None:
        with self._lock:
            if self.stopping or not self._fork:
                return None
            if self._zygote is None:
                self._zygote = Zygote(self._env)
            return self._zygote

    def run(self, folder: Path, stack: str, code_root: Path | None = None) -> tuple[list[Registration], str | None, float]:
        """Run one project; `code_root` runs it against another checkout of the platform (its blueprints and components)."""
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="dmesh-preview-") as tmp:
            output = Path(tmp) / "result.json"
            zygote = self._zygote_for_run() if code_root is None else None
            if zygote is not None:
                code = zygote.run(folder.resolve(), stack, output, WORKER_TIMEOUT_S)
                if code is None and not output.is_file():
                    return [], f"the program did not finish within {WORKER_TIMEOUT_S} s", time.perf_counter() - start
                log = Path(f"{output}.log")
                stderr = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
            else:
                code, stderr, failure = self._spawn(folder, stack, output, code_root)
                if failure:
                    return [], failure, time.perf_counter() - start
            if not output.is_file():
                tail = "\n".join((stderr or "").strip().splitlines()[-15:])
                return [], f"the program crashed (exit {code}):\n{tail}", time.perf_counter() - start
            result = json.loads(output.read_text(encoding="utf-8"))
        registrations = [Registration.from_dict(r) for r in result["registrations"]]
        return registrations, result["error"], time.perf_counter() - start

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
            zygote = self._zygote
        for proc in live:
            proc.kill()
        for proc in live:
            proc.wait()
        if zygote is not None:
            zygote.stop()


def _judge(pack: PolicyPackClient, run: ProjectRun, platform_config: dict) -> list[Diagnostic]:
    overrides = run.spec.overrides if run.spec else ()
    pack.configure(effective_config(platform_config, overrides))
    pack.configure_stack(run.project.name, run.project.stack, {k: v if isinstance(v, str) else json.dumps(v) for k, v in run.project.config.items()})
    custom = [r for r in run.registrations if r.custom]
    diagnostics = [d for r in custom for d in pack.analyze(r)]
    return diagnostics + pack.analyze_stack(custom)


RUNS_PER_JUDGE = 8  # programs to judge before another pack process (about a second to start) pays off


def _judge_all(runs: list[ProjectRun], platform_config: dict, jobs: int, say: Callable[[str], None],
               first: PolicyPackClient) -> dict[int, list[Diagnostic]]:
    """Each run's diagnostics, from up to `jobs` pack processes side by side: judging is gRPC round trips to the pack,
    which does the work, so one process per core keeps every core busy once the programs have run. `first` is a pack
    started while the programs ran (its owner stops it); the first lane uses it."""
    lanes: list[list[ProjectRun]] = [[] for _ in range(max(1, min(jobs, len(runs) // RUNS_PER_JUDGE)))]
    load = [0] * len(lanes)
    for run in sorted(runs, key=lambda r: -len(r.registrations)):  # the largest first, each to the least loaded lane
        lane = load.index(min(load))
        lanes[lane].append(run)
        load[lane] += len(run.registrations)
    results: dict[int, list[Diagnostic]] = {}

    def judge_with(pack: PolicyPackClient, lane: list[ProjectRun]) -> None:
        for run in lane:
            results[id(run)] = _judge(pack, run, platform_config)
            say(f"judged {run.domain}")

    def judge(index: int, lane: list[ProjectRun]) -> None:
        if index == 0:
            judge_with(first, lane)
            return
        with PolicyPackClient() as pack:
            judge_with(pack, lane)

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for done in [pool.submit(judge, i, lane) for i, lane in enumerate(lanes) if lane]:
            done.result()  # a pack that fails to start or dies is the review's error, as before
    return results


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
    # The forking worker and the first pack process load (about a second each) while the mesh is validated.
    workers = Workers(env={handoff.ENV: str(handover / "specs.pickle")})
    workers.start()
    pack = PolicyPackClient().start()
    try:
        return _review(path, folders, platform_config, stack, jobs, report_step, workers, pack, handover, started)
    finally:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt by the CLI), an error or success: no process outlives the review
        workers.stop()
        pack.close()
        shutil.rmtree(handover, ignore_errors=True)


def _review(path: Path, folders: list[Path], platform_config: PlatformConfig, stack: str, jobs: int | None, report_step: Progress,
            workers: Workers, pack: PolicyPackClient, handover: Path, started: float) -> ReviewReport:
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

    steps = 2 * len(runnable)

    def say(message: str) -> None:
        report_step(message, steps)

    runs: list[ProjectRun] = []
    if specs:
        handoff.write(handover / "specs.pickle", {spec.name: spec for spec in specs.values()})
    pool = ThreadPoolExecutor(max_workers=jobs or max(os.cpu_count() or 1, 1))
    try:
        futures = {pool.submit(workers.run, project.folder, stack): project for project in runnable}
        for future in as_completed(futures):  # progress as programs finish; the report keeps the folders' order
            project = futures[future]
            registrations, error, seconds = future.result()
            spec = specs.get(project.folder)
            runs.append(ProjectRun(project, spec.name if spec else project.name, spec, registrations, error, seconds))
            say(f"ran {project.folder.name} ({len(registrations)} resources, {seconds:.1f} s)")
    except BaseException:
        workers.stop()  # before the pool waits for the runs still going
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    workers.stop()  # the forking process is done: its memory is free for judging
    runs.sort(key=lambda run: runnable.index(run.project))

    violations: list[Violation] = []
    judged = _judge_all([run for run in runs if not run.error], platform_config, jobs or os.cpu_count() or 1, say, pack)
    for run in runs:
        if run.error:
            errors.append(ReviewError(domain=run.domain, file=str(run.project.main_file), line=0, message=run.error))
            continue
        errors += _undeployed_products(run)
        by_urn = {r.urn: r for r in run.registrations}
        for d in judged[id(run)]:
            file, line = locate(d.urn, by_urn, run.spec, run.project.main_file)
            violations.append(Violation(domain=run.domain, policy=d.policy, enforcement="mandatory" if d.enforcement == "mandatory" else "advisory",
                                        urn=d.urn, message=d.message, file=str(file), line=line))

    resources = sorted((ResourceEntry(domain=run.domain, urn=r.urn, type=r.type, name=r.name) for run in runs for r in run.registrations),
                       key=lambda r: (r.domain, r.urn))
    return ReviewReport(  # sorted, so two runs over the same mesh give the same JSON (timings aside)
        resources=resources,
        violations=sorted(violations, key=lambda v: (v.domain, v.urn, v.policy, v.message)),
        summary=Summary(domains=len(folders), resources=len(resources), mandatory=sum(v.enforcement == "mandatory" for v in violations),
                        advisory=sum(v.enforcement == "advisory" for v in violations), errors=len(errors)),
        errors=sorted(errors, key=lambda e: (e.domain, e.file, e.line, e.message)),
        timings=[DomainTiming(domain=r.domain, resources=len(r.registrations), seconds=round(r.seconds, 3)) for r in runs],
        seconds=round(time.perf_counter() - started, 3),
    )


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
