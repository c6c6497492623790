"""One process per review that imports the SDKs once, then forks a child per program.

A worker started from scratch spends most of its time importing Pulumi, its AWS and Kubernetes SDKs and the
blueprint stack, and shutting the interpreter down. Forked from this process, a child starts with all of that
imported and nothing run (no Pulumi runtime exists before the fork, so each program still gets a fresh one), runs
the worker's `main` for one project and leaves with `os._exit`. Linux only (fork); `DMESH_FORK_WORKERS=0` turns
it off.

Protocol, one JSON object per line: on stdin `{"id", "folder", "stack", "output"}` forks a child; on stdout
`{"id", "pid"}` when it started and `{"id", "code"}` when it ended. A child's stdout and stderr go to
`<output>.log`, never to the protocol.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading


def _child(request: dict) -> int:
    from .worker import main as run_one

    log = os.open(request["output"] + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    os.chdir(request["folder"])
    return run_one([request["folder"], request["stack"], request["output"]])


def main() -> None:
    import pulumi  # noqa: F401 - what every program imports: paid once, here
    import pulumi_aws  # noqa: F401
    import pulumi_kubernetes  # noqa: F401

    import blueprints.loader  # noqa: F401
    import components  # noqa: F401
    import components.testing  # noqa: F401
    from blueprints import handoff
    from components.providers import load_provider_modules

    load_provider_modules()  # lazily loaded by the SDKs: loaded once here, not once per child

    from . import worker  # noqa: F401

    # Everything imported so far lives as long as the process: moved out of the collector's reach, a child's
    # collections no longer walk the whole inherited heap nor write to its pages, which then stay shared with this
    # process instead of being copied (the workers' summed time over 20 domains: 13.7 s -> 12.9 s, one run each).
    gc.collect()
    gc.freeze()

    protocol = sys.stdout
    lock = threading.Lock()

    def say(message: dict) -> None:
        with lock:
            protocol.write(json.dumps(message) + "\n")
            protocol.flush()

    def reap(pid: int, request_id: str) -> None:
        _, status = os.waitpid(pid, 0)
        say({"id": request_id, "code": os.waitstatus_to_exitcode(status)})

    first = True
    for line in sys.stdin:
        request = json.loads(line)
        if first:  # the review writes its validated specs before its first request: read once, inherited by every child
            handoff.preload()
            gc.freeze()
            first = False
        with lock:  # no other thread writes while the child is forked: it inherits no held lock
            pid = os.fork()
            if pid == 0:
                code = 70
                try:
                    code = _child(request)
                finally:
                    os._exit(code)
        say({"id": request["id"], "pid": pid})
        threading.Thread(target=reap, args=(pid, request["id"]), daemon=True).start()


if __name__ == "__main__":
    main()
