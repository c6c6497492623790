"""What a new domain's onboarding values must satisfy: shared by the cookiecutter hook and `dmesh init`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from . import models
from .vocabulary import CLASSIFICATIONS
from .presets import load_presets

REQUIRED = ("domain", "owner", "cost_center", "preset", "product", "classification")


def _fits(pattern: str, value: str, low: int, high: int) -> bool:
    return bool(re.fullmatch(pattern, value)) and low <= len(value) <= high


def problems(values: Mapping[str, str], mesh_root: Path | None = None) -> list[str]:
    """Everything wrong with the values, as sentences a domain team can act on (empty when fine).

    Every value is checked against a pattern of its own, so none can carry template syntax (`{{`, `{%`),
    YAML structure or code into the files onboarding renders.
    """
    found: list[str] = [f"{key} must be text, not {type(values[key]).__name__}" for key in REQUIRED if key in values and not isinstance(values[key], str)]
    if found:
        return found
    domain, product = values.get("domain", ""), values.get("product", "")
    if not _fits(models.DOMAIN_NAME, domain, 3, 24):
        found.append(f"domain {domain!r} is not a valid name: lowercase letters, digits and '-', starting with a letter, 3-24 characters")
    if not _fits(models.PRODUCT_NAME, product, 3, 32):
        found.append(f"product {product!r} is not a valid name: lowercase letters, digits and '-', starting with a letter, 3-32 characters")
    if not re.fullmatch(models.EMAIL, values.get("owner", "")):
        found.append(f"owner {values.get('owner', '')!r} is not an e-mail address (letters, digits and . _ + - before the @)")
    cost_center = values.get("cost_center", "")
    if not (1 <= len(cost_center) <= 64 and re.fullmatch(models.TAG_VALUE, cost_center)):
        found.append(f"cost center {cost_center!r} is not a tag value AWS accepts: 1-64 letters, digits, spaces and _ . : / = + - @, "
                     "not blank and without surrounding spaces")
    presets = load_presets()
    if values.get("preset") not in presets:
        found.append(f"unknown preset {values.get('preset')!r}: use one of {', '.join(sorted(presets))}")
    if values.get("classification") not in CLASSIFICATIONS:
        found.append(f"unknown classification {values.get('classification')!r}: use one of {', '.join(CLASSIFICATIONS)}")
    if mesh_root is not None and domain and (mesh_root / domain).exists():
        found.append(f"domain {domain!r} already exists in {mesh_root / domain}; a domain is never overwritten")
    return found
