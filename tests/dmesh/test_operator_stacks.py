"""Pulumi Kubernetes Operator Stack objects: valid against the operator's published CRD, in the mesh's deploy order."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from ruamel.yaml import YAML

from components.testing import MeshMocks, run_project
from dmesh.operator_stacks import OperatorError, operator_objects

REPO = Path(__file__).resolve().parents[2]
CRD = REPO / "tests" / "data" / "pulumi-kubernetes-operator" / "pulumi.com_stacks.yaml.gz"
SETTINGS = {"namespace": "pulumi-operator", "repository": "https://github.com/acme/datamesh.git", "branch": "main",
            "backend": "s3://acme-pulumi-state", "serviceAccount": "dmesh-deployer",
            "passphrase": {"secret": "pulumi-passphrase", "key": "passphrase"},
            "credentials": {"AWS_ACCESS_KEY_ID": {"secret": "aws-deployer", "key": "access-key-id"},
                            "AWS_SECRET_ACCESS_KEY": {"secret": "aws-deployer", "key": "secret-access-key"}},
            "resyncFrequencySeconds": 300}


@pytest.fixture(scope="module")
def stack_schema() -> dict:
    crd = YAML(typ="safe").load(gzip.decompress(CRD.read_bytes()).decode())
    assert crd["spec"]["group"] == "pulumi.com" and crd["spec"]["names"]["kind"] == "Stack"
    [v1] = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    assert v1["served"] and v1["storage"]
    return v1["schema"]["openAPIV3Schema"]


def _objects(settings=SETTINGS) -> list[dict]:
    return operator_objects(settings, "dev", REPO, REPO / "domain_stacks")


def test_every_domain_gets_a_stack_object_valid_against_the_crd(stack_schema):
    objects = _objects()
    assert [o["metadata"]["name"] for o in objects] == ["dmesh-marketing", "dmesh-sales", "dmesh-ml-features"]
    validator = Draft7Validator(stack_schema)
    for obj in objects:
        assert f"{obj['apiVersion']}" == "pulumi.com/v1" and obj["kind"] == "Stack"
        assert list(validator.iter_errors(obj)) == []


def test_the_schema_check_would_catch_a_wrong_object(stack_schema):
    """The validation is not vacuous: a misspelt field type and a missing stack are refused by the CRD's schema."""
    validator = Draft7Validator(stack_schema)
    [obj] = _objects()[:1]
    broken = json.loads(json.dumps(obj))
    broken["spec"]["resyncFrequencySeconds"] = "often"
    del broken["spec"]["stack"]
    messages = sorted(e.message for e in validator.iter_errors(broken))
    assert messages == ["'often' is not of type 'integer'", "'stack' is a required property"]


def test_each_object_follows_the_repository_and_keeps_the_data_when_deleted():
    sales = next(o for o in _objects() if o["metadata"]["name"] == "dmesh-sales")
    spec = sales["spec"]
    assert spec["projectRepo"] == "https://github.com/acme/datamesh.git" and spec["branch"] == "main"
    assert spec["repoDir"] == "domain_stacks/sales" and spec["stack"] == "dev" and spec["backend"] == "s3://acme-pulumi-state"
    assert spec["destroyOnFinalize"] is False and spec["refresh"] is True and spec["resyncFrequencySeconds"] == 300
    assert spec["serviceAccountName"] == "dmesh-deployer"
    # secrets come from Kubernetes Secrets, never inlined
    assert spec["envRefs"] == {
        "AWS_ACCESS_KEY_ID": {"type": "Secret", "secret": {"name": "aws-deployer", "key": "access-key-id"}},
        "AWS_SECRET_ACCESS_KEY": {"type": "Secret", "secret": {"name": "aws-deployer", "key": "secret-access-key"}},
        "PULUMI_CONFIG_PASSPHRASE": {"type": "Secret", "secret": {"name": "pulumi-passphrase", "key": "passphrase"}},
    }


def test_a_consumer_waits_for_the_domains_it_reads():
    needs = {o["metadata"]["name"]: [p["name"] for p in o["spec"].get("prerequisites", [])] for o in _objects()}
    # sales and marketing read each other: neither is the other's prerequisite, as in `dmesh up --all`
    assert needs == {"dmesh-marketing": [], "dmesh-sales": [], "dmesh-ml-features": ["dmesh-marketing", "dmesh-sales"]}


def test_no_operator_config_means_no_objects():
    assert operator_objects(None, "dev", REPO, REPO / "domain_stacks") == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"passphrase": None}, "encrypts secrets with a passphrase"),
    ({"namespace": "Pulumi_Operator"}, "namespace: String should match pattern"),
    ({"resyncFrequencySeconds": 10}, "resyncFrequencySeconds: Input should be greater than or equal to 60"),
    ({"repository": "file:///etc"}, "repository: String should match pattern"),
    ({"branch": "main; rm -rf /"}, "branch: String should match pattern"),
    ({"credentials": {"PULUMI_CONFIG_PASSPHRASE": {"secret": "x", "key": "y"}}}, "goes in `passphrase`"),
    ({"credentials": {"1BAD": {"secret": "x", "key": "y"}}}, "credentials.1BAD.[key]: String should match pattern"),
    ({"serviceAcount": "typo"}, "serviceAcount: Extra inputs are not permitted"),
])
def test_bad_operator_settings_are_named(change, expected):
    settings = {**SETTINGS, **change}
    settings = {k: v for k, v in settings.items() if v is not None}
    with pytest.raises(OperatorError) as raised:
        _objects(settings)
    assert expected in str(raised.value)


def test_a_key_service_or_pulumi_cloud_needs_no_passphrase():
    base = {k: v for k, v in SETTINGS.items() if k != "passphrase"}
    kms = _objects({**base, "secretsProvider": "awskms://alias/dmesh?region=eu-west-1"})
    assert kms[0]["spec"]["secretsProvider"] == "awskms://alias/dmesh?region=eu-west-1" and "PULUMI_CONFIG_PASSPHRASE" not in kms[0]["spec"]["envRefs"]
    assert _objects({**base, "backend": "https://api.pulumi.com"})


def test_the_platform_program_creates_them_from_its_stack_config(tmp_path, stack_schema):
    """The platform project run under mocks with `dmesh:operator` in its config: one CustomResource per domain."""
    config = YAML(typ="safe").load((REPO / "Pulumi.dev.yaml").read_text())["config"]
    registrations = run_project(REPO / "platform" / "stack", project="dmesh-platform", stack="dev", mocks=MeshMocks(),
                                config={**config, "dmesh:operator": json.dumps(SETTINGS)})
    stacks = [r for r in registrations if r.type == "kubernetes:pulumi.com/v1:Stack"]
    assert sorted(r.inputs["metadata"]["name"] for r in stacks) == ["dmesh-marketing", "dmesh-ml-features", "dmesh-sales"]
    validator = Draft7Validator(stack_schema)
    for r in stacks:
        assert list(validator.iter_errors({"apiVersion": r.inputs["apiVersion"], "kind": r.inputs["kind"],
                                           "metadata": r.inputs["metadata"], "spec": r.inputs["spec"]})) == []
        assert r.parent.endswith("dmesh:platform:PlatformStack::platform")
