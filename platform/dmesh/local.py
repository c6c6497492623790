"""LocalStack on this machine: host mode when Docker is not available, the compose service otherwise.

Host mode runs `localstack-core` directly under a Python >= 3.12 in its own virtualenv
(`.localstack-venv`, made once from `localstack/requirements-host.txt`), listening on
127.0.0.1:4566, and is stopped by the PID it wrote. If something already answers on the
endpoint (e.g. `docker compose -f localstack/docker-compose.yml up -d`), it is used as is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .module_command import module_command, runs_module

REPO = Path(__file__).resolve().parents[2]
# what LocalStack is started with, what the local stack config points at it, and (kept equal by a test)
# the SERVICES of localstack/docker-compose.yml
ENTRY_MODULE = "localstack.runtime.main"
LOCALSTACK_SERVICES = ("s3", "iam", "sts", "kms", "kinesis", "ssm", "secretsmanager", "cloudwatch", "sns")
SERVICES = ",".join(LOCALSTACK_SERVICES)
DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
START_TIMEOUT_S = 180


class LocalStackError(RuntimeError):
    pass


def endpoint_from_env() -> str:
    return os.environ.get("LOCALSTACK_ENDPOINT") or os.environ.get("AWS_ENDPOINT_URL") or DEFAULT_ENDPOINT


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run([python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def find_python() -> str:
    """A Python >= 3.12: python3.13, python3.12 on PATH, then pyenv's installed versions."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12")]
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    versions = Path(pyenv_root) / "versions"
    if versions.is_dir():
        found = sorted((v for v in versions.iterdir() if re.fullmatch(r"3\.(1[2-9])\.[0-9]+", v.name)),
                       key=lambda v: tuple(int(x) for x in v.name.split(".")), reverse=True)
        candidates += [str(v / "bin" / "python") for v in found]
    for candidate in candidates:
        if candidate and (version := _version_of(candidate)) is not None and version >= (3, 12):
            return candidate
    raise LocalStackError("LocalStack needs Python >= 3.12 (python3.13, python3.12 or a pyenv version); none was found. "
                          "Install one, or run LocalStack with Docker: docker compose -f localstack/docker-compose.yml up -d")


@dataclass(frozen=True)
class LocalStack:
    endpoint: str = DEFAULT_ENDPOINT
    venv: Path = REPO / ".localstack-venv"
    state: Path = REPO / "localstack" / ".state"
    requirements: Path = REPO / "localstack" / "requirements-host.txt"

    @property
    def pid_file(self) -> Path:
        return self.state / "localstack.pid"

    @property
    def log_file(self) -> Path:
        return self.state / "localstack.log"

    def healthy(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def running_pid(self) -> int | None:
        """The PID in the pid file, only if that process is provably this LocalStack (a stale or forged file names another)."""
        pid = _live_pid(self.pid_file)
        return pid if pid is not None and self.owns(pid) else None

    def owns(self, pid: int) -> bool:
        """Whether `pid` runs LocalStack's entry point with this LocalStack's own virtualenv Python."""
        command = _command_line(pid)
        return bool(command) and command[0].startswith(str(self.venv)) and runs_module(command, ENTRY_MODULE)

    def ensure_venv(self, say=print) -> Path:
        python = self.venv / "bin" / "python"
        stamp = self.venv / ".requirements-sha256"
        digest = hashlib.sha256(self.requirements.read_bytes()).hexdigest()
        if python.exists() and stamp.exists() and stamp.read_text() == digest:
            return python
        say(f"creating {self.venv} for LocalStack (once; ~1 min)")
        subprocess.run(module_command(find_python(), "venv", "--clear", str(self.venv)), check=True)
        for args in (["install", "--quiet", "--upgrade", "pip"], ["install", "--quiet", "-r", str(self.requirements)]):
            result = subprocess.run(module_command(python, "pip", *args), capture_output=True, text=True)
            if result.returncode != 0:
                raise LocalStackError(f"installing LocalStack failed:\n{result.stderr[-3000:]}")
        stamp.write_text(digest)
        return python

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_file.exists():
            return "(no log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def start(self, say=print) -> bool:
        """Start host mode unless something already serves the endpoint; True when this call started it."""
        if self.healthy() is not None:
            say(f"LocalStack already answers on {self.endpoint}; using it")
            return False
        python = self.ensure_venv(say)
        self.state.mkdir(parents=True, exist_ok=True)
        host_port = self.endpoint.split("://", 1)[-1]
        env = {**os.environ, "GATEWAY_LISTEN": host_port, "SERVICES": SERVICES, "LOCALSTACK_VOLUME_DIR": str(self.state / "volume"),
               "DISABLE_EVENTS": "1", "SKIP_SSL_CERT_DOWNLOAD": "1",
               "KINESIS_PERSISTENCE": "0"}  # every start is a clean emulator
        pid = _launch("LocalStack", module_command(python, ENTRY_MODULE), self.log_file, self.pid_file, lambda: self.healthy() is not None,
                      START_TIMEOUT_S, self.stop, lambda: f"log tail:\n{self.log_tail()}", env=env, cwd=self.state)
        say(f"LocalStack (host mode, pid {pid}) ready on {self.endpoint}")
        return True

    def stop(self, say=print) -> bool:
        return _stop(self.running_pid(), self.pid_file, "LocalStack", say)


def _command_line(pid: int) -> list[str]:
    try:
        return [a for a in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0") if a]
    except OSError:  # no procfs (macOS): ask ps
        result = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
        return result.stdout.split()


def _alive(pid: int) -> bool:
    """Whether the process still runs; reaps it when it is our own exited child (a zombie answers kill(0))."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


MOTO_ENTRY = "moto.server"
DEFAULT_MOTO_ENDPOINT = "http://127.0.0.1:5000"
MOTO_START_TIMEOUT_S = 60


@dataclass(frozen=True)
class MotoServer:
    """A moto server beside LocalStack for the services LocalStack's community edition lacks (Glue).

    It runs in this virtualenv (moto[server] comes with the `local` and `test` extras) and is stopped by the PID it wrote.
    """

    endpoint: str = DEFAULT_MOTO_ENDPOINT
    state: Path = REPO / "localstack" / ".state"

    @property
    def pid_file(self) -> Path:
        return self.state / "moto.pid"

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def running_pid(self) -> int | None:
        """The PID in the pid file, only if that process is this virtualenv's Python running the moto server."""
        import sys

        pid = _live_pid(self.pid_file)
        command = _command_line(pid) if pid is not None else []
        return pid if command[:1] == [sys.executable] and runs_module(command, MOTO_ENTRY) else None

    def start(self, say=print) -> bool:
        if self.healthy():
            say(f"moto already answers on {self.endpoint}; using it")
            return False
        import importlib.util
        import sys

        if importlib.util.find_spec("flask") is None:
            raise LocalStackError("the moto server needs moto[server]: pip install -e '.[local]'")
        host, _, port = self.endpoint.split("://", 1)[-1].partition(":")
        self.state.mkdir(parents=True, exist_ok=True)
        log = self.state / "moto.log"
        pid = _launch("the moto server", module_command(sys.executable, MOTO_ENTRY, "-H", host, "-p", port or "5000"), log, self.pid_file,
                      self.healthy, MOTO_START_TIMEOUT_S, self.stop, lambda: f"see {log}")
        say(f"moto server (pid {pid}) ready on {self.endpoint} for Glue")
        return True

    def stop(self, say=print) -> bool:
        return _stop(self.running_pid(), self.pid_file, "moto server", say)


def _live_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid > 1 and _alive(pid) else None


def _launch(name: str, command: list[str], log_file: Path, pid_file: Path, ready: Callable[[], object], timeout_s: int,
            stop: Callable[[], object], detail: Callable[[], str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Start an emulator in a session of its own, its output to `log_file`, and wait until `ready()` (polled twice a
    second). One that exits first leaves no pid file; one that is not ready in time is stopped. Either is an error
    naming `detail()` (where to look)."""
    with log_file.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid_file.unlink(missing_ok=True)
            raise LocalStackError(f"{name} exited with code {process.returncode}; {detail()}")
        if ready():
            return process.pid
        time.sleep(0.5)
    stop()
    raise LocalStackError(f"{name} did not become ready within {timeout_s} s; {detail()}")


def _stop(pid: int | None, pid_file: Path, name: str, say) -> bool:
    """End the process group an emulator was started in (SIGTERM, SIGKILL after 30 s); False when none was running."""
    pid_file.unlink(missing_ok=True)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(60):
        if not _alive(pid):
            break
        time.sleep(0.5)
    else:
        os.killpg(pid, signal.SIGKILL)
        _alive(pid)
    say(f"{name} (pid {pid}) stopped")
    return True
