"""The policy builders on their own, against the golden documents the components produce.

`test_golden.py` pins what the domain stacks register; this file shows the same documents come
from `components.policies` for the same specs, in milliseconds, so mutation testing can afford to
run it for every mutant of the policy module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pulumi
import pytest

from components import policies
from components.testing import MeshMocks
from meshtest import SETTINGS

GOLDEN = Path(__file__).parent / "__snapshots__" / "test_golden"


def golden(domain: str) -> dict[str, dict]:
    pinned = json.loads((GOLDEN / f"test_policy_documents[{domain}].json").read_text(encoding="utf-8"))
    return {name: entry["document"] for name, entry in pinned.items()}


def key_arn(domain: str, settings=SETTINGS) -> str:
    """The ARN the mocks give the domain key (as in the golden run)."""
    args = pulumi.runtime.MockResourceArgs("aws:kms/key:Key", f"{domain}-key-key", {}, "", "", True)
    return MeshMocks(settings.account_id, settings.region).new_resource(args)[1]["arn"]


def built(spec, specs, settings=SETTINGS) -> dict[str, dict]:
    """Every document of the domain, named like the resources that carry them."""
    SETTINGS = settings  # noqa: N806 - the builders below read the stack settings under their usual name
    name = spec.name
    inputs = sorted(((ref, specs[ref.domain].product(ref.product)) for p in spec.products for ref in p.inputs), key=lambda i: str(i[0]))
    ports = [policies.InputPorts(ref, p.s3 is not None, p.kinesis is not None, tuple(t.glue_name for t in p.contract.tables))
             for ref, p in dict(inputs).items()]
    producer = policies.producer_statements(SETTINGS, spec, key_arn(name, SETTINGS))
    consumer = policies.consumer_statements(SETTINGS, ports)
    trust = policies.irsa_trust(SETTINGS, spec)
    docs = {
        f"{name}-key-key.policy": policies.key_policy(SETTINGS, spec),
        f"{name}-access-boundary.policy": policies.document(producer + consumer),
        f"{name}-access-producer.assumeRolePolicy": trust,
        f"{name}-access-consumer.assumeRolePolicy": trust,
        f"{name}-access-producer-policy.policy": policies.document(producer),
        f"{name}-monitoring-topic-policy.policy": policies.alert_topic_policy(SETTINGS, name),
    }
    if consumer:
        docs[f"{name}-access-consumer-policy.policy"] = policies.document(consumer)
    for p in spec.products:
        if p.s3:
            docs[f"{name}-{p.name}-policy.policy"] = policies.bucket_policy(SETTINGS, name, p.name, p.grants)
        if p.kinesis and p.grants:
            docs[f"{name}-{p.name}-stream-policy.policy"] = policies.stream_policy(SETTINGS, name, p.name, p.grants)
    return docs


@pytest.mark.parametrize("domain", ["sales", "marketing", "ml-features"])
def test_builders_give_the_golden_documents(example_specs, domain):
    assert built(example_specs[domain], example_specs) == golden(domain)


@pytest.mark.parametrize(("region", "partition"), [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_every_arn_is_in_the_partition_of_the_region(example_specs, region, partition):
    """No `arn:aws:` typed by hand survives in another partition's documents."""
    import dataclasses

    # the OIDC provider ARN is the stack's config, given in the stack's partition
    settings = dataclasses.replace(SETTINGS, region=region, oidc_provider_arn=SETTINGS.oidc_provider_arn.replace("arn:aws:", f"arn:{partition}:"))
    assert settings.partition == partition
    text = json.dumps(built(example_specs["sales"], example_specs, settings))
    arns_found = re.findall(r'"(arn:[^"]*)"', text)
    assert arns_found and all(a.startswith(f"arn:{partition}:") for a in arns_found), [a for a in arns_found if not a.startswith(f"arn:{partition}:")]
