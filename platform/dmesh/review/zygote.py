"""A process per review and role that loads its modules once, then handles one request per program.

Role `programs`: a worker started from scratch spends most of its time importing Pulumi, its AWS and Kubernetes
SDKs and the blueprint stack, and shutting the interpreter down. Forked from this process, a child starts with all
of that imported and nothing run (no Pulumi runtime exists before the fork, so each program still gets a fresh
one), runs one project's program (`worker.run`, the project as the review read it) and leaves with `os._exit`.
Neither the blueprint loader nor the project file's readers are among those imports: the review hands every program
its validated specs (`blueprints/handoff.py`) and its project.

Role `judge`: the policy pack's analyzer (`judge.py`) is built once; each program's registrations are judged as
soon as the program has run, side by side with the programs still running. Where programs are forked, the judge is
forked too, from the programs' process once that has loaded: it then loads only the pack's own modules.

`python -m dmesh.review.zygote ROLE fork [FD]` forks a child per request (Linux only); `ROLE inline` handles the
requests one after another in this process, as the judge does (programs, where there is no fork, run in fresh
workers). With FD, a socket handed over at start, the request `{"id", "serve": ROLE}` forks one child that serves
ROLE inline over that socket, with the same protocol.

Protocol, one JSON object per line: a request on stdin (`{"id", "output", ...}`); on stdout `{"id", "pid"}` when
a child started and `{"id", "code"}` when the request was handled. Whatever a request prints goes to
`<output>.log`, never to the protocol.
"""

from __future__ import annotations

import gc
import json
import os
import socket
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from ..collector import collector_paused

Handler = Callable[[dict[str, Any]], int]


def _programs() -> tuple[Handler, Callable[[], None]]:
    import pulumi  # noqa: F401 - what every program imports: paid once, here
    import pulumi_aws  # noqa: F401
    import pulumi_kubernetes  # noqa: F401

    import components.domain  # noqa: F401 - not the blueprint loader: a reviewed program is handed its validated specs
    import components.testing.recording  # noqa: F401
    from blueprints import handoff
    from components.providers import load_provider_modules

    from .program import Project
    from .worker import main, run

    load_provider_modules()  # lazily loaded by the SDKs: loaded once here, not once per child

    def handle(request: dict[str, Any]) -> int:
        os.chdir(request["folder"])
        if "project" not in request:  # nobody read the project for it
            return main([request["folder"], request["stack"], request["output"]])
        return run(Project.from_request(request["project"]), Path(request["output"]))

    def first() -> None:  # the review writes its validated specs before its first request: read once, inherited
        handoff.preload()

    return handle, first


def _judge() -> tuple[Handler, Callable[[], None]]:
    from . import judge

    judge.preload()
    return judge.main, lambda: None


ROLES: dict[str, Callable[[], tuple[Handler, Callable[[], None]]]] = {"programs": _programs, "judge": _judge}


def _to_log(output: str) -> None:
    log = os.open(output + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)


def _inline(handler: Handler, request: dict[str, Any]) -> int:
    try:
        return handler(request)
    except Exception:  # noqa: BLE001 - the request failed (its traceback goes to its log, as a child's would); the server goes on
        import traceback

        with open(request["output"] + ".log", "w", encoding="utf-8") as log:
            log.write(traceback.format_exc())
        return 70


def serve(role: str, fork: bool, requests: TextIO, protocol: TextIO, server_fd: int | None = None) -> None:
    # The collector stays off while the role loads, as the gc module's documentation advises for a process that forks
    # workers: the SDKs' imports build tens of thousands of typing objects, and each full collection walked all of them
    # again (a third of the programs' role's start: 0.95 s -> 0.67 s, the first program waits for it). Whatever was
    # loaded lives as long as the process: frozen out of the collector's reach, a child's collections no longer walk
    # the inherited heap nor write to its pages, which then stay shared with this process instead of being copied
    # (the workers' summed time over 20 domains: 13.7 s -> 12.9 s, one run each). The import's few cycles of garbage
    # are frozen with it rather than collected: a collection of that heap costs 70 ms.
    with collector_paused():
        handler, before_first = ROLES[role]()
        gc.freeze()
    lock = threading.Lock()

    def say(message: dict[str, Any]) -> None:
        with lock:
            protocol.write(json.dumps(message) + "\n")
            protocol.flush()

    def reap(pid: int, request_id: str) -> None:
        _, status = os.waitpid(pid, 0)
        say({"id": request_id, "code": os.waitstatus_to_exitcode(status)})

    def forked(request_id: str, child: Callable[[], int]) -> int:
        with lock:  # no other thread writes while the child is forked: it inherits no held lock
            pid = os.fork()
            if pid == 0:
                code = 70
                try:
                    code = child()
                finally:
                    os._exit(code)
        threading.Thread(target=reap, args=(pid, request_id), daemon=True).start()
        return pid

    first = True
    for line in requests:
        request = json.loads(line)
        if "serve" in request:  # a process of another role, forked from what this one loaded, served over the socket
            if server_fd is None or request["serve"] not in ROLES:
                if server_fd is not None:
                    os.close(server_fd)  # the socket's other end learns there will be no server
                    server_fd = None
                say({"id": request["id"], "code": 2})
                continue
            fd, server_fd = server_fd, None
            pid = forked(request["id"], partial(_server, request["serve"], fd, requests, protocol))
            os.close(fd)  # the server's alone: the socket's end closes with it, and no program inherits it
            say({"id": request["id"], "pid": pid})
            continue
        if first:
            before_first()
            gc.freeze()
            first = False
        if not fork:
            say({"id": request["id"], "code": _inline(handler, request)})
            continue
        say({"id": request["id"], "pid": forked(request["id"], partial(_program, handler, request, server_fd, requests, protocol))})


def _program(handler: Handler, request: dict[str, Any], unserved_fd: int | None, requests: TextIO, protocol: TextIO) -> int:
    """A forked child's life as one program: the socket no server was forked on yet is not its to hold, nor are the
    pipes its parent talks to the review on (a program holding the answers' pipe kept the review waiting for an end
    of it after its parent had died)."""
    if unserved_fd is not None:
        os.close(unserved_fd)
    requests.close()
    protocol.close()
    _to_log(request["output"])
    return handler(request)


def _server(role: str, fd: int, requests: TextIO, protocol: TextIO) -> int:
    """A forked process's life as `role`'s server on socket `fd`: what its parent serves on is none of its business."""
    requests.close()
    protocol.close()
    channel = socket.socket(fileno=fd)
    serve(role, False, channel.makefile("r", encoding="utf-8"), channel.makefile("w", encoding="utf-8", buffering=1))
    return 0


def main(argv: list[str]) -> None:
    role = argv[0] if argv else "programs"
    fork = (argv[1] if len(argv) > 1 else "fork") == "fork"
    server_fd = int(argv[2]) if len(argv) > 2 else None  # a socket to fork a server of another role on (`fork_server`)
    protocol = os.fdopen(os.dup(1), "w", buffering=1)  # only the protocol writes here: fd 1 is pointed elsewhere
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    serve(role, fork, sys.stdin, protocol, server_fd)


if __name__ == "__main__":
    main(sys.argv[1:])
