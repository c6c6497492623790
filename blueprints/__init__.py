"""Domain blueprints: the typed, validated description of each domain of the mesh.

This package has no Pulumi dependency; components and tools build on its `DomainSpec`.
"""

from .errors import BlueprintError, Finding
from .loader import DOMAIN_FILE, document_json_schema, load_domain
from .mesh import Mesh, check_mesh, domain_folders, load_mesh
from .presets import load_presets
from .spec import DomainSpec, ProductRef, ProductSpec

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
