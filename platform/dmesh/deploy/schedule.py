"""Run one operation per stack in dependency order, independent stacks in parallel.

A stack whose prerequisite failed (or was itself skipped) is not attempted: it is reported as skipped with
the name of the stack that stopped it, so a broken producer never leaves a half-wired consumer behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from .errors import DeployError
from .targets import StackTarget

OK = ("deployed", "unchanged", "destroyed", "refreshed", "absent", "previewed")


@dataclass
class Outcome:
    target: StackTarget
    status: str  # one of OK, or "failed" / "skipped"
    detail: str = ""
    seconds: float = 0.0
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in OK


def in_order(targets: list[StackTarget], jobs: int, action: Callable[[StackTarget], Outcome], *, reverse: bool = False) -> list[Outcome]:
    """`action` for every target once its prerequisites succeeded (`reverse`: once its dependents did, for destroy)."""
    if reverse:
        blockers = {t.name: {u.name for u in targets if t.name in u.needs} for t in targets}
    else:
        names = {t.name for t in targets}
        blockers = {t.name: set(t.needs) & names for t in targets}
    position = {t.name: i for i, t in enumerate(targets)}
    pending = {t.name: t for t in targets}
    done: dict[str, Outcome] = {}
    running: dict[Future, str] = {}

    def timed(target: StackTarget) -> Outcome:
        started = time.perf_counter()
        try:
            outcome = action(target)
        except DeployError as exc:
            outcome = Outcome(target, "failed", str(exc))
        outcome.seconds = time.perf_counter() - started
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        while pending or running:
            for name in sorted(pending, key=position.__getitem__):
                stopped = sorted((done[b].status != "failed", b) for b in blockers[name] if b in done and not done[b].ok)
                if stopped:
                    cause = done[stopped[0][1]]  # the failure itself, or what skipped the skipped one
                    detail = cause.detail if cause.status == "skipped" else f"skipped: {cause.target.name} failed"
                    done[name] = Outcome(pending.pop(name), "skipped", detail)
            ready = [n for n in sorted(pending, key=position.__getitem__) if blockers[n] <= done.keys()]
            for name in ready[:max(1, jobs) - len(running)]:
                running[pool.submit(timed, pending.pop(name))] = name
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done[running.pop(future)] = future.result()
    return [done[t.name] for t in targets]
