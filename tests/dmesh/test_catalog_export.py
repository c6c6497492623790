"""`dmesh catalog export`: ODPS documents and Backstage entities that the other tools ingest as is."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from ruamel.yaml import YAML

from blueprints import load_mesh
from blueprints.descriptor import validate_odps
from meshtest import EXAMPLE_MESH, REPO

SCHEMAS = REPO / "tests" / "data" / "backstage-schemas"


def dmesh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", "catalog", "export", *args], capture_output=True, text=True, cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    """A validator per kind, with the Entity, EntityMeta and common schemas they refer to in one registry."""
    documents = {p.relative_to(SCHEMAS): json.loads(p.read_text()) for p in SCHEMAS.rglob("*.schema.json")}
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d, default_specification=DRAFT7)) for d in documents.values())
    kinds = {str(path).split("/")[1].split(".")[0]: d for path, d in documents.items() if str(path).startswith("kinds/")}
    return {kind: Draft7Validator(schema, registry=registry) for kind, schema in kinds.items()}


def test_backstage_entities_validate_against_backstages_schemas(tmp_path, validators):
    result = dmesh("--format", "backstage", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    entities = list(YAML(typ="safe").load_all((tmp_path / "out" / "catalog-info.yaml").read_text()))
    for entity in entities:
        errors = [e.message for e in validators[entity["kind"]].iter_errors(entity)]
        assert errors == [], (entity["kind"], entity["metadata"]["name"], errors)
    kinds = [e["kind"] for e in entities]
    domains = load_mesh(EXAMPLE_MESH, {}).domains
    assert kinds.count("Domain") == kinds.count("Group") == kinds.count("System") == len(domains)
    assert kinds.count("Resource") == sum(len(d.products) for d in domains.values())
    resources = {e["metadata"]["name"]: e for e in entities if e["kind"] == "Resource"}
    assert resources["ml-features-churn-features"]["spec"]["dependsOn"] == [
        "resource:default/sales-orders", "resource:default/sales-customers", "resource:default/marketing-campaigns"]
    assert resources["sales-orders"]["spec"]["owner"] == "group:default/sales-team"
    # names follow the rule Backstage checks in code (the schema leaves it out): [a-zA-Z0-9] words joined by one of -_., at most 63
    assert all(re.fullmatch(r"([A-Za-z0-9][-_.]?)*[A-Za-z0-9]", e["metadata"]["name"]) and len(e["metadata"]["name"]) <= 63 for e in entities)
    assert all(re.fullmatch(r"[a-z0-9:+#]+(-[a-z0-9:+#]+)*", t) for e in entities for t in e["metadata"].get("tags", []))
    # every reference points at an entity of the export
    names = {f"{e['kind'].lower()}:default/{e['metadata']['name']}" for e in entities}
    references = [r for e in entities for key in ("owner", "system", "domain") if (r := e["spec"].get(key))]
    references += [r for e in entities for r in e["spec"].get("dependsOn", [])]
    assert set(references) <= names


def test_the_schemas_refuse_what_backstage_refuses(validators):
    bad = {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "sales orders!"}, "spec": {"type": "data-product"}}
    assert [e.message for e in validators["Resource"].iter_errors(bad)] == ["'owner' is a required property"]


def test_odps_documents_for_every_product_are_valid(tmp_path):
    result = dmesh("--format", "odps", "-o", str(tmp_path / "odps"))
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "odps").glob("*.odps.json"))
    domains = load_mesh(EXAMPLE_MESH, {}).domains
    assert [f.name for f in files] == sorted(f"{d}.{p.name}.odps.json" for d, s in domains.items() for p in s.products)
    for file in files:
        document = json.loads(file.read_text())
        assert validate_odps(document) == [], file.name
        assert document["outputPorts"] and document["managementPorts"][0]["url"].startswith("arn:aws:sns:eu-west-1:123456789012:")


def test_a_stack_without_account_or_region_is_named(tmp_path, mesh):
    (mesh / "sales" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    result = dmesh("--format", "odps", "-o", str(tmp_path / "o"), "--mesh-root", str(mesh))
    assert result.returncode == 2 and "Pulumi.dev.yaml: needs dmesh:accountId and aws:region" in " ".join(result.stderr.split())
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())
