"""The mesh's one tag set, and its Kubernetes label form."""

from __future__ import annotations

import re
from collections.abc import Mapping

from blueprints import DomainSpec, ProductSpec
from blueprints.vocabulary import TAG_CLASSIFICATION, TAG_COST_CENTER, TAG_DOMAIN, TAG_OWNER, TAG_PRODUCT, label_key


# A per-product component publishes its product under this input, so tools map any resource below it to its
# product (and its blueprint line) by walking parents, without reading logical names.
PRODUCT_INPUT = "product"


def product_inputs(product: ProductSpec) -> dict[str, str]:
    return {PRODUCT_INPUT: product.name}


def tags(domain: DomainSpec, product: ProductSpec | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Tags for a resource; domain-level resources carry the domain's highest classification.

    `extra` tags (a program's own) are merged under the mesh's: a `dmesh:*` tag cannot be overridden.
    """
    result = {**(extra or {}),
        TAG_DOMAIN: domain.name,
        TAG_OWNER: domain.owner,
        TAG_CLASSIFICATION: product.classification if product else domain.classification,
        TAG_COST_CENTER: domain.cost_center,
    }
    if product is not None:
        result[TAG_PRODUCT] = product.name
    return result


def _label_value(value: str) -> str:
    """Kubernetes label values allow [A-Za-z0-9-_.] only, 63 chars, alphanumeric at both ends."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", ".", value.replace("@", ".at."))[:63]
    return cleaned.strip("._-")


def labels(domain: DomainSpec, product: ProductSpec | None = None) -> dict[str, str]:
    """The same tag set as labels (`dmesh:x` becomes `dmesh/x`), plus recommended app labels."""
    result = {label_key(key): _label_value(value) for key, value in tags(domain, product).items()}
    result["app.kubernetes.io/part-of"] = f"dmesh-{domain.name}"
    result["app.kubernetes.io/managed-by"] = "pulumi"
    return result
