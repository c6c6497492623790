"""The compiled validator gives python-jsonschema's verdict on every document the tests know, whole and damaged.

`SchemaCheck` trusts jsonschema-rs when it accepts a document. Were the two libraries to disagree about a rule of the
ODCS or ODPS schema, a contract python-jsonschema refuses could pass; so both judge every contract and descriptor of
the repository, then thousands of copies damaged one place at a time (a field removed, retyped, emptied, or an
unknown one added: what people get wrong).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft201909Validator

from blueprints.contracts import _validator as odcs_check
from blueprints.descriptor import _odps_validator as odps_check
from blueprints.descriptor import describe_product, document_json
from blueprints.schema_check import SchemaCheck
from blueprints.yaml_source import read_yaml
from blueprints import load_mesh
from meshtest import EXAMPLE_MESH, REPO

CONTRACTS = sorted([*(REPO / "domain_stacks").glob("*/contracts/*.yaml"), *(REPO / "tests" / "data" / "odcs-examples").glob("*.yaml")])
REPLACEMENTS: tuple[Any, ...] = (None, 0, -1, 1.5, True, "", "x", [], {}, ["x"], {"x": 1})
DAMAGED_PER_DOCUMENT = 60


def _places(data: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, (*path, index))


def _trimmed(data: Any) -> Any:
    """The document with every list cut to its first three items: the same shapes, far less for python-jsonschema to walk."""
    if isinstance(data, dict):
        return {k: _trimmed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_trimmed(v) for v in data[:3]]
    return data


def _damaged(document: Any, seed: int) -> Iterator[Any]:
    """Copies of `document` (trimmed), each changed in one place; deterministic for a seed."""
    document = _trimmed(document)
    rng = random.Random(seed)
    places = list(_places(document))
    for _ in range(DAMAGED_PER_DOCUMENT):
        path = rng.choice(places)
        copied = copy.deepcopy(document)
        parent = copied
        for part in path[:-1]:
            parent = parent[part]
        target = parent[path[-1]] if path else copied
        action = rng.choice(("replace", "replace", "remove", "add"))
        if action == "add" and isinstance(target, dict):
            target[rng.choice(("unknownField", "name", "type", "id", "version", "status"))] = rng.choice(REPLACEMENTS)
        elif action == "remove" and path:
            del parent[path[-1]]
        elif path:
            parent[path[-1]] = rng.choice(REPLACEMENTS)
        else:
            continue
        yield copied


@cache
def _reference(check: SchemaCheck) -> Draft201909Validator:
    return Draft201909Validator(check.schema)


def _agree(check: SchemaCheck, document: Any) -> None:
    reference = not list(_reference(check).iter_errors(document))
    fast = check.accepts(document)
    assert fast is None or fast == reference, f"jsonschema-rs says {'valid' if fast else 'invalid'}, python-jsonschema the opposite:\n{document}"
    assert (check.errors(document) == []) == reference


def _descriptors() -> list[dict]:
    domains = load_mesh(EXAMPLE_MESH, {}).domains
    documents = []
    for spec in domains.values():
        inputs = {r: domains[r.domain].product(r.product) for p in spec.products for r in p.inputs}
        for product in spec.products:
            documents.append(json.loads(document_json(describe_product(spec, product, "123456789012", "eu-west-1", inputs))))
    return documents


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda p: p.name)
def test_contracts_whole_and_damaged_get_the_same_verdict(contract):
    document = read_yaml(contract).data
    assert odcs_check().accepts(document) is not None  # the compiled validator really judges what the reader gives it
    _agree(odcs_check(), document)
    for damaged in _damaged(document, seed=sum(contract.name.encode())):
        _agree(odcs_check(), damaged)


def test_descriptors_whole_and_damaged_get_the_same_verdict():
    documents = _descriptors()
    assert documents
    for index, document in enumerate(documents):
        assert odps_check().accepts(document) is True
        _agree(odps_check(), document)
        for damaged in _damaged(document, seed=index):
            _agree(odps_check(), damaged)


def test_the_damage_reaches_both_verdicts():
    """The comparison is worth something only if many damaged copies are refused and some still pass."""
    document = read_yaml(REPO / "domain_stacks" / "sales" / "contracts" / "orders.odcs.yaml").data
    verdicts = [odcs_check().errors(d) == [] for d in _damaged(document, seed=1)]
    assert len(verdicts) == DAMAGED_PER_DOCUMENT and verdicts.count(False) >= DAMAGED_PER_DOCUMENT // 3 and verdicts.count(True) >= 5, verdicts.count(False)


def test_errors_are_python_jsonschemas_own():
    document = read_yaml(REPO / "domain_stacks" / "sales" / "contracts" / "orders.odcs.yaml").data
    document["apiVersion"] = 3
    expected = [(list(e.absolute_path), e.message) for e in Draft201909Validator(odcs_check().schema).iter_errors(document)]
    assert expected and [(list(e.absolute_path), e.message) for e in odcs_check().errors(document)] == expected


@pytest.mark.parametrize("document", [{1: "x"}, {"apiVersion": float("nan")}, {"id": 10**40}, [[[[]]]]], ids=repr)
def test_what_the_compiled_validator_cannot_take_is_judged_by_python_jsonschema(document):
    expected = [e.message for e in Draft201909Validator(odcs_check().schema).iter_errors(document)]
    assert [e.message for e in odcs_check().errors(document)] == expected
    assert expected  # none of these is a contract


def test_a_reference_to_another_document_is_never_fetched():
    with pytest.raises(jsonschema_rs.ValidationError, match="Retrieval is disabled"):
        SchemaCheck({"$ref": "http://127.0.0.1:9/schema.json"})


def test_python_jsonschema_loads_only_for_a_document_the_compiled_validator_rejects(tmp_path):
    """It takes 27 ms to import, a tenth of a cold one-domain `dmesh validate`; a valid mesh never needs its errors."""
    import os
    import shutil
    import subprocess
    import sys

    mesh = tmp_path / "mesh"
    shutil.copytree(EXAMPLE_MESH, mesh)
    probe = ("import sys; from pathlib import Path; from blueprints import load_mesh; from dmesh.governance.config import mesh_levels; "
             "m = load_mesh(Path(sys.argv[1]), mesh_levels()); print(len(m.findings), 'jsonschema' in sys.modules)")
    run = lambda: subprocess.run([sys.executable, "-c", probe, str(mesh)], capture_output=True, text=True, timeout=120,  # noqa: E731
                                 env={**os.environ, "DMESH_CACHE": "0"})
    assert run().stdout.split() == ["0", "False"]
    contract = next((mesh / "sales" / "contracts").glob("*.yaml"))
    contract.write_text(contract.read_text().replace("apiVersion: v3.", "apiVersion: v0.", 1))
    findings, loaded = run().stdout.split()
    assert int(findings) > 0 and loaded == "True"
