"""Domain blueprints: the typed, validated description of each domain of the mesh.

This package has no Pulumi dependency; components and tools build on its `DomainSpec`. The exports load on first use
(PEP 562): a domain program handed its validated specs by a review (`handoff.py`) needs the specs' classes, not the
loader, its pydantic models, YAML readers and JSON Schema checks, which were a tenth of the review's forking worker's
start-up, on the critical path of a one-domain review.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import BlueprintError, Finding
    from .loader import document_json_schema, load_domain
    from .mesh import Mesh, check_mesh, domain_folders, load_mesh
    from .presets import load_presets
    from .spec import DomainSpec, ProductRef, ProductSpec
    from .vocabulary import DOMAIN_FILE

_HOMES = {"BlueprintError": "errors", "Finding": "errors", "DOMAIN_FILE": "vocabulary", "document_json_schema": "loader",
          "load_domain": "loader", "Mesh": "mesh", "check_mesh": "mesh", "domain_folders": "mesh", "load_mesh": "mesh",
          "load_presets": "presets", "DomainSpec": "spec", "ProductRef": "spec", "ProductSpec": "spec"}
__all__ = [
    "DOMAIN_FILE",
    "BlueprintError",
    "DomainSpec",
    "Finding",
    "Mesh",
    "ProductRef",
    "ProductSpec",
    "check_mesh",
    "document_json_schema",
    "domain_folders",
    "load_domain",
    "load_mesh",
    "load_presets",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module 'blueprints' has no attribute {name!r}")
