"""The domain's identities: a permission boundary, a producer role and a consumer role."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

Document = Mapping[str, Any]


@dataclass(frozen=True)
class DomainAccessArgs:
    boundary_name: str
    producer_role: str
    consumer_role: str
    description: str
    trust_policy: Document
    key_arn: pulumi.Input[str]
    producer_policy: Callable[[str], Document]  # the producer's identity policy, given the domain key's ARN
    consumer_policy: Document | None  # None when the domain declares no inputs
    tags: Mapping[str, str] = field(default_factory=dict)


def _merged(*documents: Document | None) -> dict[str, Any]:
    statements = [s for d in documents if d is not None for s in d["Statement"]]
    return {"Version": "2012-10-17", "Statement": statements}


class DomainAccess(pulumi.ComponentResource):
    """Producer writes its own products; consumer reads exactly the declared inputs; the boundary caps both."""

    def __init__(self, name: str, args: DomainAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:iam:DomainAccess", name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        key_arn = pulumi.Output.from_input(args.key_arn)
        self.boundary = aws.iam.Policy(
            f"{name}-boundary", name=args.boundary_name, description=args.description,
            policy=key_arn.apply(lambda arn: json.dumps(_merged(args.producer_policy(arn), args.consumer_policy))), tags=tags, opts=child,
        )
        trust = json.dumps(args.trust_policy)
        self.producer = aws.iam.Role(
            f"{name}-producer", name=args.producer_role, assume_role_policy=trust, permissions_boundary=self.boundary.arn, tags=tags, opts=child,
        )
        aws.iam.RolePolicy(f"{name}-producer-policy", role=self.producer.id, policy=key_arn.apply(lambda arn: json.dumps(args.producer_policy(arn))),
                           opts=child)
        self.consumer = aws.iam.Role(
            f"{name}-consumer", name=args.consumer_role, assume_role_policy=trust, permissions_boundary=self.boundary.arn, tags=tags, opts=child,
        )
        if args.consumer_policy is not None:
            aws.iam.RolePolicy(f"{name}-consumer-policy", role=self.consumer.id, policy=json.dumps(args.consumer_policy), opts=child)
        self.producer_role_arn = self.producer.arn
        self.consumer_role_arn = self.consumer.arn
        self.register_outputs({"producerRoleArn": self.producer_role_arn, "consumerRoleArn": self.consumer_role_arn})
