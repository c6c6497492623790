"""Where in the source a resource came from: the blueprint line of its product, else the program."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from blueprints import DomainSpec
from blueprints.vocabulary import TAG_PRODUCT, label_key
from components.tagging import PRODUCT_INPUT
from components.testing import Registration

COMPONENT_PREFIX = "dmesh:"


def _product_of(reg: Registration) -> str | None:
    inputs = reg.inputs
    for bag in (inputs.get("tags"), (inputs.get("metadata") or {}).get("labels"), inputs.get("parameters")):
        if isinstance(bag, dict):
            value = bag.get(TAG_PRODUCT) or bag.get(label_key(TAG_PRODUCT))
            if value:
                return str(value)
    if not reg.custom and reg.type.startswith(COMPONENT_PREFIX):  # the mesh's per-product components say which product
        value = inputs.get(PRODUCT_INPUT)
        return str(value) if value else None
    return None


def locate(urn: str, by_urn: Mapping[str, Registration], spec: DomainSpec | None, main: Path) -> tuple[Path, int]:
    reg = by_urn.get(urn)
    if reg is None:
        return main, 1
    if spec is None:
        return _declared_at(reg, main)
    in_domain = False
    node: Registration | None = reg
    product = None
    while node is not None:
        product = product or _product_of(node)
        if node.type == "dmesh:domain:DomainStack":
            in_domain = True
            break
        node = by_urn.get(node.parent)
    if not in_domain:
        return _declared_at(reg, main)
    if product is not None:
        for i, p in enumerate(spec.products):
            if p.name == product:
                return spec.file, spec.line_of(f"spec.dataProducts[{i}]")
    return spec.file, spec.line_of("metadata.name")


def _declared_at(reg: Registration, main: Path) -> tuple[Path, int]:
    """The program line that declared the resource (the SDK records it), when it is the project's own file."""
    source = Path(reg.source_file) if reg.source_file else None
    if source is not None and source.resolve().is_relative_to(main.parent.resolve()) and reg.source_line > 0:
        return source, reg.source_line
    return main, 1
