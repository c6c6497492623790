"""`dmesh catalog list|search|show`: find data products across the mesh.

Offline the entries come from the blueprints and contracts; with `--live` from the ODPS registry documents the
stacks wrote to the catalog bucket (`catalog_live`). Either way search and ranking are the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from blueprints import DomainSpec

# how much a match in each field counts when ranking search results
WEIGHTS = {"name": 5, "domain": 3, "column": 3, "tag": 2, "description": 2, "owner": 2, "column description": 1}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    classification: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Entry:
    domain: str
    product: str
    classification: str
    owner: str
    ports: tuple[str, ...]
    freshness_hours: int | None
    availability: float | None
    description: str
    domain_description: str = ""
    tags: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    contract: Mapping[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    grants: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.domain}.{self.product}"

    def summary(self) -> dict[str, object]:
        return {"id": self.id, "domain": self.domain, "product": self.product, "classification": self.classification, "owner": self.owner,
                "ports": list(self.ports), "freshnessHours": self.freshness_hours, "description": self.description}

    def details(self) -> dict[str, object]:
        return {**self.summary(), "contract": dict(self.contract), "tags": list(self.tags),
                "columns": [{"name": c.name, "type": c.type, "classification": c.classification, "description": c.description} for c in self.columns],
                "inputs": list(self.inputs), "grants": list(self.grants), "availability": self.availability}


def entries(domains: Mapping[str, DomainSpec]) -> list[Entry]:
    """Offline: one entry per product of the blueprints."""
    result = []
    for d in domains.values():
        for p in d.products:
            result.append(Entry(
                d.name, p.name, p.classification, d.owner, tuple(port for port, on in (("s3", p.s3), ("kinesis", p.kinesis)) if on),
                p.sla.freshness_hours, p.sla.availability, p.description, d.description, (p.classification, d.preset),
                tuple(Column(c.name, c.glue_type, c.classification, c.description) for c in p.contract.columns),
                {"id": p.contract.id, "version": p.contract.version, "status": p.contract.status},
                tuple(str(i) for i in p.inputs), tuple(p.grants)))
    return sorted(result, key=lambda e: e.id)


def from_odps(document: Mapping[str, Any]) -> Entry:
    """One entry from a registry document (ODPS v1.0.0 as `blueprints.descriptor` writes it)."""
    custom = {p.get("property"): p.get("value") for p in document.get("customProperties") or [] if isinstance(p, Mapping)}
    contract = custom.get("contract") or {}
    sla = custom.get("sla") or {}
    team = document.get("team") or {}
    owner = next((m.get("username", "") for m in team.get("members") or [] if m.get("role") == "owner"), "")
    return Entry(
        str(document.get("domain", "")), str(document.get("name", "")), str(custom.get("classification", "")), owner,
        tuple(str(p.get("type") or p.get("name")) for p in document.get("outputPorts") or []),
        sla.get("freshnessHours"), sla.get("availability"), str((document.get("description") or {}).get("purpose", "")), "",
        tuple(str(t) for t in document.get("tags") or []),
        tuple(Column(str(c.get("name")), str(c.get("type")), None, "") for c in contract.get("columns") or []),
        {"id": contract.get("id"), "version": contract.get("version"), "status": document.get("status")},
        tuple(str(p.get("name")) for p in document.get("inputPorts") or []), tuple(str(g) for g in custom.get("grants") or []))


def score(entry: Entry, text: str) -> int:
    """How well an entry matches every word of the query (0: some word matches nothing)."""
    fields = {
        "name": [entry.product], "domain": [entry.domain], "description": [entry.description, entry.domain_description],
        "owner": [entry.owner], "tag": list(entry.tags), "column": [c.name for c in entry.columns],
        "column description": [c.description for c in entry.columns],
    }
    total = 0
    for word in re.findall(r"[\w@.-]+", text.lower()):
        hits = sum(WEIGHTS[field] for field, values in fields.items() if any(word in v.lower() for v in values if v))
        if not hits:
            return 0
        total += hits
    return total


def search(all_entries: list[Entry], text: str) -> list[tuple[Entry, int]]:
    ranked = [(e, s) for e in all_entries if (s := score(e, text)) > 0]
    return sorted(ranked, key=lambda pair: (-pair[1], pair[0].id))
