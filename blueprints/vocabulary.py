"""The mesh's vocabulary: tag keys, classifications and their limits, written once.

Components tag with these keys, the policy pack checks them, the catalog writes them into Glue
parameters and the review reads them back; every one of those imports the name from here.
"""

from __future__ import annotations

from typing import Literal, get_args

TAG_DOMAIN = "dmesh:domain"
TAG_OWNER = "dmesh:owner"
TAG_CLASSIFICATION = "dmesh:classification"
TAG_COST_CENTER = "dmesh:cost-center"
TAG_PRODUCT = "dmesh:product"
# what every taggable resource must carry (the `required-tags` rule's default)
REQUIRED_TAGS: tuple[str, ...] = (TAG_DOMAIN, TAG_OWNER, TAG_CLASSIFICATION, TAG_COST_CENTER)


def label_key(tag_key: str) -> str:
    """A tag key as a Kubernetes label key (`dmesh:domain` becomes `dmesh/domain`)."""
    return tag_key.replace(":", "/", 1)


# least sensitive first: a product may not be classified below what it reads or holds
Classification = Literal["public", "internal", "confidential", "restricted"]
CLASSIFICATIONS: tuple[str, ...] = get_args(Classification)
PERSONAL_DATA = "restricted"
# the longest a bucket may keep data of each classification (`retention-within-limit`'s default)
MAX_RETENTION_DAYS: dict[str, int] = {"public": 3650, "internal": 3650, "confidential": 2555, "restricted": 365}
