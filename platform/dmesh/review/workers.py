"""The review's worker processes: programs run under mocks, and the judging process that holds the pack's analyzer.

On Linux programs run in children forked from one process that has imported the SDKs (`zygote.py`, role
`programs`); elsewhere, or against another checkout of the platform, each gets a fresh interpreter
(`python -m dmesh.review.worker`). The judging process (`zygote.py`, role `judge`, forked from the programs' process
where there is one) judges each program as soon as it has run. Whatever ends the review (an error, Ctrl-C, SIGTERM)
ends them all.

`dmesh preview` imports this module before it starts the programs' process, whose imports are most of a one-domain
review's wall: what it imports at the top is kept to the standard library's light modules (the results' and
projects' classes load where they are used): that process starts 24 ms after the interpreter instead of 31.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from blueprints import handoff

from ..forking import forking_available
from ..module_command import module_command

if TYPE_CHECKING:
    from components.testing.registration import Registration

    from .diagnostic import Diagnostic
    from .program import Project

WORKER_TIMEOUT_S = 600


class Channel:
    """A review process's line protocol (`zygote.py`): requests go in as lines, results come back by id."""

    def __init__(self, requests: TextIO, answers: TextIO) -> None:
        self._requests = requests
        self._lock = threading.Lock()
        self._pids: dict[str, int] = {}
        self._codes: dict[str, int] = {}
        self._done: dict[str, threading.Event] = {}
        self._closed = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(answers,), daemon=True)
        self._reader.start()

    def _read(self, answers: TextIO) -> None:
        try:
            for line in answers:
                message = json.loads(line)
                with self._lock:
                    if "pid" in message:
                        self._pids[message["id"]] = message["pid"]
                    else:
                        self._codes[message["id"]] = message["code"]
                        self._done[message["id"]].set()
        except OSError:  # a socket closed with requests unread in it is reset, not ended
            pass
        with self._lock:  # the process ended: nothing else will finish
            self._closed.set()
            for event in self._done.values():
                event.set()

    def _send(self, request: dict[str, Any]) -> threading.Event | None:
        """Send `request` (its `id` set); the event is set once it is handled, None when the process is gone."""
        with self._lock:
            self._done[request["id"]] = done = threading.Event()
            if not self.alive:
                return None
            try:
                self._requests.write(json.dumps(request) + "\n")
                self._requests.flush()
            except (OSError, ValueError):
                return None
        return done

    def run(self, request: dict[str, Any], timeout: float) -> int | None:
        """The request's exit code (its `output` names it); None when it did not end in time (it is killed: its child,
        or the whole process when it handles requests inline) or the process is gone."""
        request_id = str(request["output"])
        done = self._send({**request, "id": request_id})
        if done is None:
            return None
        finished = done.wait(timeout)
        with self._lock:
            if not finished:
                if request_id in self._pids:
                    _kill(self._pids[request_id])
                else:
                    self._end()
            return self._codes.get(request_id)

    @property
    def alive(self) -> bool:
        return not self._closed.is_set()

    @property
    def pid(self) -> int | None:
        """The process's id, once known."""
        raise NotImplementedError

    def _end(self) -> None:
        """End the process at once (its lock held)."""
        raise NotImplementedError

    def stop(self) -> None:
        with self._lock:
            for request_id, pid in self._pids.items():
                if request_id not in self._codes:
                    _kill(pid)
            self._end()


class Zygote(Channel):
    """A review's process of one role (`zygote.py`). With `serves`, it can fork a process of another role from what it
    has loaded (`fork_server`): the judge, which then loads only the pack's own modules."""

    SERVER_ID = "server"

    def __init__(self, env: dict[str, str] | None = None, role: str = "programs", fork: bool = True, serves: bool = False) -> None:
        # not the folder `dmesh preview` runs from on its path (`module_command`): its own `components` or `blueprints`
        # would replace the platform's; the programs still import from their own folders, as Pulumi's language host has them
        command = module_command(sys.executable, "dmesh.review.zygote", role, "fork" if fork else "inline")
        ours, theirs = socket.socketpair() if serves else (None, None)
        if theirs is not None:
            command.append(str(theirs.fileno()))
        # a process group of its own, which every process it forks joins: stopping the review ends them all at once, a
        # program whose pid the review has not read yet too (it lived on, and the review waited for it to end)
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     bufsize=1, env=env, pass_fds=(theirs.fileno(),) if theirs is not None else (), process_group=0)
        if theirs is not None:
            theirs.close()  # the process holds it (and the server it forks): their end of the socket closes with them
        self._server_socket = ours
        assert self.proc.stdin is not None and self.proc.stdout is not None
        super().__init__(self.proc.stdin, self.proc.stdout)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def fork_server(self, role: str) -> ForkedServer | None:
        """A process of `role` forked from this one as soon as it has loaded (the request waits in line until then),
        serving requests inline over the socket handed over at start; None when this process serves none or is gone."""
        with self._lock:
            server_socket, self._server_socket = self._server_socket, None
        if server_socket is None or self._send({"id": self.SERVER_ID, "serve": role}) is None:
            return None
        return ForkedServer(server_socket, lambda: self._live_pid(self.SERVER_ID))

    def _live_pid(self, request_id: str) -> int | None:
        """The pid of the child handling `request_id` while it runs (once reaped, the number may be another's)."""
        return self._pids.get(request_id) if request_id not in self._codes else None

    def _end(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # the group is gone already
            pass

    def stop(self) -> None:
        super().stop()
        self.proc.wait()
        with self._lock:
            if self._server_socket is not None:
                self._server_socket.close()


class ForkedServer(Channel):
    """A process forked by a `Zygote` (`fork_server`), reached over a socket; closing our end ends it too (its
    requests end), and it is killed on stop or timeout once the zygote has told its pid."""

    def __init__(self, channel: socket.socket, pid: Callable[[], int | None]) -> None:
        self._socket = channel
        self._pid = pid
        super().__init__(channel.makefile("w", encoding="utf-8", buffering=1), channel.makefile("r", encoding="utf-8"))

    @property
    def pid(self) -> int | None:
        return self._pid()

    def _end(self) -> None:
        pid = self._pid()
        if pid is not None:
            _kill(pid)
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:  # closed already
            pass

    def stop(self) -> None:
        super().stop()
        self._reader.join(timeout=5)  # the socket's shutdown ended its reading: once it has seen that, it is not alive
        self._socket.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


class Judging(NamedTuple):
    """What the pack needs besides a program's registrations, exactly what `pulumi preview --policy-pack-config` gives it."""

    policy_config: Mapping[str, Mapping[str, Any]]
    project: str
    stack: str
    stack_config: Mapping[str, Any]


class Workers:
    """The worker processes of one review: whatever ends the review (an error, Ctrl-C, SIGTERM) ends them too.

    On Linux programs run in children forked from one pre-imported process (`Zygote`); elsewhere, or for another
    checkout of the platform (`code_root`), each program gets its own fresh interpreter. With `judge`, one more
    process holds the policy pack's analyzer (`judge.py`) and judges each program as soon as it has run, one at a time:
    forked from the pre-imported process where there is one, started on its own otherwise.
    """

    def __init__(self, fork: bool | None = None, env: Mapping[str, str] | None = None, judge: bool = False) -> None:
        self._env = {**os.environ, **(env or {})}  # what every program gets (e.g. blueprints.handoff.ENV)
        self._live: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self.stopping = False
        self._fork = forking_available() if fork is None else fork
        self._judging = judge
        self._zygote: Zygote | None = None
        self._judge: Channel | None = None
        self._handover: Path | None = None

    @classmethod
    def for_review(cls) -> Workers:
        """A review's workers, the forking one started now so its imports overlap whatever the caller loads next (see
        the CLI's `preview`). The programs find the specs the review validated at `specs_file` (a private folder, gone
        with `stop`); the judging process starts with `start_judge`, once the review has validated the mesh."""
        handover = Path(tempfile.mkdtemp(prefix="dmesh-specs-"))  # 0700
        workers = cls(env={handoff.ENV: str(handover / "specs.pickle")}, judge=True)
        workers._handover = handover
        workers.start(judge=False)
        return workers

    @property
    def specs_file(self) -> Path | None:
        return self._handover / "specs.pickle" if self._handover is not None else None

    def start(self, judge: bool = True) -> None:
        """Start the processes now, so their imports overlap the caller's work (they are otherwise started on first use);
        `judge=False` starts the programs' process alone (`start_judge` the other)."""
        self._zygote_for_run()
        if judge:
            self._judge_for_run()

    def start_judge(self) -> None:
        self._judge_for_run()

    def _zygote_for_run(self) -> Zygote | None:
        with self._lock:
            return self._zygote_locked()

    def _zygote_locked(self) -> Zygote | None:
        if self.stopping or not self._fork:
            return None
        if self._zygote is None:
            self._zygote = Zygote(self._env, serves=self._judging)
        return self._zygote

    def _judge_for_run(self) -> Channel | None:
        with self._lock:
            if self.stopping or not self._judging:
                return None
            if self._judge is None:
                # One process judges every program, inline, one after another: judging is a fifth of a program's CPU, so
                # it keeps up with every core running programs (a forked judge per program only cost memory, 50 MiB each).
                # Forked from the programs' process, it loads only the pack's own modules on top of the SDKs, gRPC and the
                # AWS classes the tag rule reads: a one-domain review takes 1.84 CPU-seconds instead of 2.35 and the
                # mesh's preview 58 MiB less memory (PSS); the wall is unchanged, as that loading ran beside the program.
                zygote = self._zygote_locked()
                forked = zygote.fork_server("judge") if zygote is not None else None
                self._judge = forked or Zygote(dict(os.environ), role="judge", fork=False)
            return self._judge

    def run(self, folder: Path, stack: str, code_root: Path | None = None) -> tuple[list[Registration], str | None, float]:
        """Run one project; `code_root` runs it against another checkout of the platform (its blueprints and components)."""
        registrations, error, seconds, _ = self.review(folder, stack, code_root=code_root)
        return registrations, error, seconds

    def review(self, folder: Path, stack: str, judging: Judging | None = None, code_root: Path | None = None,
               project: Project | None = None) -> tuple[list[Registration], str | None, float, list[Diagnostic]]:
        """Run one project and, with `judging`, judge what it registered: registrations, error, the program's seconds, diagnostics.

        `project` is the project as the caller read it (`load_project`): a forked program is handed it, so the
        forking worker needs neither the project file's readers nor their pydantic models."""
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="dmesh-preview-") as tmp:
            output = Path(tmp) / "result.json"
            zygote = self._zygote_for_run() if code_root is None else None
            if zygote is not None:
                request = {"folder": str(folder.resolve()), "stack": stack, "output": str(output)}
                if project is not None:
                    request["project"] = project.as_request()
                code = zygote.run(request, WORKER_TIMEOUT_S)
                if code is None and not output.is_file():
                    return [], f"the program did not finish within {WORKER_TIMEOUT_S} s", time.perf_counter() - start, []
                stderr = _log_of(output)
            else:
                code, stderr, failure = self._spawn(folder, stack, output, code_root)
                if failure:
                    return [], failure, time.perf_counter() - start, []
            if not output.is_file():
                return [], f"the program crashed (exit {code}):\n{_tail(stderr)}", time.perf_counter() - start, []
            from components.testing.registration import Registration

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
        from .diagnostic import Diagnostic

        answer = json.loads(output.read_text(encoding="utf-8"))
        return [Diagnostic(**d) for d in answer["diagnostics"]], answer["error"]

    def _spawn(self, folder: Path, stack: str, output: Path, code_root: Path | None) -> tuple[int | None, str, str | None]:
        env = dict(self._env)
        if code_root is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(code_root), str(code_root / "platform"), os.environ.get("PYTHONPATH", "")])
        with self._lock:
            if self.stopping:
                return None, "", "the review was stopped"
            proc = subprocess.Popen(module_command(sys.executable, "dmesh.review.worker", str(folder), stack, str(output)),
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
            processes = [p for p in (self._judge, self._zygote) if p is not None]  # the judge may be the zygote's child
        for proc in live:
            proc.kill()
        for proc in live:
            proc.wait()
        for process in processes:
            process.stop()
        if self._handover is not None:
            shutil.rmtree(self._handover, ignore_errors=True)


def _log_of(output: Path) -> str:
    log = Path(f"{output}.log")
    return log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""


def _tail(text: str) -> str:
    return "\n".join((text or "").strip().splitlines()[-15:])
