"""What a real preview would change, read from the engine's step events.

The engine's summary only counts; the step events name each resource, so a replacement or deletion of a
resource that holds data (`upgrade.replacement.STATEFUL`) can be shown before anyone confirms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..upgrade.replacement import holds

# step ops as the engine names them; a replacement also emits create-replacement and delete-replaced
COUNTED = ("create", "update", "replace", "delete")
DESTRUCTIVE = ("replace", "delete")


@dataclass(frozen=True)
class Step:
    op: str
    urn: str
    type: str

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class ChangeSet:
    steps: list[Step] = field(default_factory=list)

    def record(self, event: object) -> None:
        """An `on_event` callback for the Automation API."""
        pre = getattr(event, "resource_pre_event", None)
        if pre is None or pre.metadata is None:
            return
        meta = pre.metadata
        op = meta.op.value if hasattr(meta.op, "value") else str(meta.op)
        self.steps.append(Step(op, meta.urn, meta.type))

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(s.op for s in self.steps)
        return {op: counted[op] for op in COUNTED}

    @property
    def changed(self) -> bool:
        return any(self.counts.values())

    @property
    def data_at_risk(self) -> list[tuple[Step, str]]:
        """Stateful resources this change replaces or deletes, with what each holds."""
        return [(s, what) for s in self.steps if s.op in DESTRUCTIVE and (what := holds(s.type)) is not None]

    def summary(self) -> str:
        return ", ".join(f"{n} to {op}" for op, n in self.counts.items() if n) or "no changes"
