"""Streaming ports: one KMS-encrypted Kinesis stream per product, readable by granted domains."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from . import tagging


@dataclass(frozen=True)
class ProductStreamArgs:
    product: str
    stream: str
    retention_hours: int
    key_arn: pulumi.Input[str]
    policy: Mapping[str, Any] | None  # the stream's resource policy; None when no domain is granted
    tags: Mapping[str, str] = field(default_factory=dict)


class ProductStream(pulumi.ComponentResource):
    def __init__(self, name: str, args: ProductStreamArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:streaming:ProductStream", name, {tagging.PRODUCT_INPUT: args.product}, opts)
        self.stream = aws.kinesis.Stream(
            f"{name}-kinesis",
            name=args.stream,
            retention_period=args.retention_hours,
            encryption_type="KMS",
            kms_key_id=args.key_arn,
            stream_mode_details=aws.kinesis.StreamStreamModeDetailsArgs(stream_mode="ON_DEMAND"),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        if args.policy is not None:
            aws.kinesis.ResourcePolicy(f"{name}-policy", resource_arn=self.stream.arn, policy=json.dumps(args.policy),
                                       opts=pulumi.ResourceOptions(parent=self))
        self.name = self.stream.name
        self.arn = self.stream.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
