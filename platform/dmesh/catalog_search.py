"""`dmesh catalog list|search|show`: find data products across the mesh, offline, from the blueprints and contracts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from blueprints import DomainSpec, ProductSpec

# how much a match in each field counts when ranking search results
WEIGHTS = {"name": 5, "domain": 3, "column": 3, "description": 2, "owner": 2, "column description": 1}


@dataclass(frozen=True)
class Entry:
    domain: DomainSpec
    product: ProductSpec

    @property
    def id(self) -> str:
        return f"{self.domain.name}.{self.product.name}"

    def summary(self) -> dict[str, object]:
        p = self.product
        return {"id": self.id, "domain": self.domain.name, "product": p.name, "classification": p.classification, "owner": self.domain.owner,
                "ports": [port for port, on in (("s3", p.s3), ("kinesis", p.kinesis)) if on], "freshnessHours": p.sla.freshness_hours,
                "description": p.description}

    def details(self) -> dict[str, object]:
        p = self.product
        return {**self.summary(), "contract": {"id": p.contract.id, "version": p.contract.version, "status": p.contract.status},
                "columns": [{"name": c.name, "type": c.glue_type, "classification": c.classification, "description": c.description}
                            for c in p.contract.columns],
                "inputs": [str(i) for i in p.inputs], "grants": list(p.grants), "availability": p.sla.availability}


def entries(domains: Mapping[str, DomainSpec]) -> list[Entry]:
    return sorted((Entry(d, p) for d in domains.values() for p in d.products), key=lambda e: e.id)


def score(entry: Entry, text: str) -> int:
    """How well an entry matches every word of the query (0: some word matches nothing)."""
    fields = {
        "name": [entry.product.name], "domain": [entry.domain.name], "description": [entry.product.description, entry.domain.description],
        "owner": [entry.domain.owner], "column": [c.name for c in entry.product.contract.columns],
        "column description": [c.description for c in entry.product.contract.columns],
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
