"""The create-only table: every entry names its source, and the sources say what the table says."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from importlib.resources import files

import pytest

from dmesh.upgrade.replacement import STATEFUL, create_only, holds

SCHEMAS = files("cfnlint") / "data" / "schemas"
ENTRIES = [(t, c) for t, (_, entries) in STATEFUL.items() for c in entries]


def cfn_schema(cfn_type: str) -> dict:
    index = json.loads((SCHEMAS / "providers" / "us-east-1.json").read_text(encoding="utf-8"))
    return json.loads((SCHEMAS / "resources" / f"{index[cfn_type]}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("type_token", "entry"), ENTRIES, ids=[f"{t.split(':')[-1]}.{c.pulumi_property}" for t, c in ENTRIES])
def test_each_create_only_input_is_what_its_source_says(type_token, entry):
    kind, _, rest = entry.source.partition(":")
    if kind == "cfn":
        cfn_type, _, pointer = rest.rpartition(":")
        assert pointer in cfn_schema(cfn_type)["createOnlyProperties"], entry.source
    else:
        assert kind == "api" and rest.strip(), entry.source


@pytest.mark.parametrize(("type_token", "entry"), ENTRIES, ids=[f"{t.split(':')[-1]}.{c.pulumi_property}" for t, c in ENTRIES])
def test_each_create_only_input_is_an_input_of_the_pulumi_resource(type_token, entry):
    _, module, name = type_token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), name)
    parameters = inspect.signature(cls._internal_init).parameters
    assert re.sub(r"(?<!^)(?=[A-Z])", "_", entry.pulumi_property).lower() in parameters


def test_stateless_types_hold_nothing():
    assert holds("aws:iam/role:Role") is None and create_only("aws:iam/role:Role") == ()
    assert holds("aws:s3/bucket:Bucket") == "a product's data" and create_only("aws:s3/bucket:Bucket") == ("bucket", "bucketPrefix")
