"""The domain's identities: a permission boundary, a producer role and a consumer role."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from blueprints import DomainSpec, ProductRef, ProductSpec, naming

from . import policies, tagging
from .settings import PlatformSettings
from .storage import DomainKey


class DomainAccess(pulumi.ComponentResource):
    """Producer writes its own products; consumer reads exactly the declared inputs; the boundary caps both."""

    def __init__(self, name: str, spec: DomainSpec, inputs: Mapping[ProductRef, ProductSpec], key: DomainKey,
                 settings: PlatformSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:iam:DomainAccess", name, None, opts)
        tags = tagging.tags(spec)
        child = pulumi.ResourceOptions(parent=self)
        input_ports = [(ref, p.s3 is not None, p.kinesis is not None) for ref, p in sorted(inputs.items(), key=lambda i: str(i[0]))]
        consumer = policies.consumer_statements(settings, input_ports)

        def producer_doc(key_arn: str) -> str:
            return json.dumps(policies.document(policies.producer_statements(settings, spec, key_arn)))

        def boundary_doc(key_arn: str) -> str:
            return json.dumps(policies.document(policies.producer_statements(settings, spec, key_arn) + consumer))

        self.boundary = aws.iam.Policy(
            f"{name}-boundary", name=naming.boundary_name(spec.name),
            description=f"Permission boundary of every role of domain {spec.name}",
            policy=key.arn.apply(boundary_doc), tags=tags, opts=child,
        )
        trust = json.dumps(policies.irsa_trust(settings, spec))
        self.producer = aws.iam.Role(
            f"{name}-producer", name=naming.role_name(spec.name, "producer"), assume_role_policy=trust,
            permissions_boundary=self.boundary.arn, tags=tags, opts=child,
        )
        aws.iam.RolePolicy(f"{name}-producer-policy", role=self.producer.id, policy=key.arn.apply(producer_doc), opts=child)
        self.consumer = aws.iam.Role(
            f"{name}-consumer", name=naming.role_name(spec.name, "consumer"), assume_role_policy=trust,
            permissions_boundary=self.boundary.arn, tags=tags, opts=child,
        )
        if consumer:
            aws.iam.RolePolicy(f"{name}-consumer-policy", role=self.consumer.id, policy=json.dumps(policies.document(consumer)), opts=child)
        self.register_outputs({"producerRoleArn": self.producer.arn, "consumerRoleArn": self.consumer.arn})
