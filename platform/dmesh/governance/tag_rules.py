"""Every taggable AWS resource carries the mesh's ownership tags."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from .rule import Rule
from blueprints.vocabulary import REQUIRED_TAGS

from .resources import ResourceView



@cache
def taggable(type_token: str) -> bool:
    """Whether the provider's resource class has a `tags` property (pulumi-aws's own schema decides)."""
    package, module_path, class_name = (type_token.split(":") + ["", ""])[:3]
    if package != "aws" or not class_name:
        return False
    module = module_path.split("/")[0]
    try:
        mod = importlib.import_module("pulumi_aws" if module == "index" else f"pulumi_aws.{module.replace('-', '_')}")
    except ImportError:
        return False
    cls = getattr(mod, class_name, None)
    return cls is not None and isinstance(getattr(cls, "tags", None), property)


def required_tags(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if not taggable(resource.type):
        return
    tags = resource.tags()
    missing = [t for t in config.get("tags", REQUIRED_TAGS) if not str(tags.get(t) or "").strip()]
    if missing:
        yield f"{resource.type.split(':')[-1]} {resource.name!r} lacks the tags {', '.join(missing)}"


RULES = (
    Rule("required-tags", "Every taggable AWS resource carries the mesh ownership tags, non-empty.",
         "mandatory", "resource", required_tags, "low", ("ownership", "cost"),
         {"tags": {"type": "array", "items": {"type": "string"}, "default": list(REQUIRED_TAGS)}}),
)
