"""Streaming ports: one KMS-encrypted Kinesis stream per product, readable by granted domains."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from blueprints import DomainSpec, ProductSpec, naming

from . import policies, tagging
from .settings import PlatformSettings
from .storage import DomainKey


class ProductStream(pulumi.ComponentResource):
    def __init__(self, name: str, spec: DomainSpec, product: ProductSpec, key: DomainKey, settings: PlatformSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:streaming:ProductStream", name, tagging.product_inputs(product), opts)
        assert product.kinesis is not None, "ProductStream needs a kinesis port"
        self.stream = aws.kinesis.Stream(
            f"{name}-kinesis",
            name=naming.stream_name(spec.name, product.name),
            retention_period=product.kinesis.retention_hours,
            encryption_type="KMS",
            kms_key_id=key.arn,
            stream_mode_details=aws.kinesis.StreamStreamModeDetailsArgs(stream_mode="ON_DEMAND"),
            tags=tagging.tags(spec, product),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        if product.grants:
            aws.kinesis.ResourcePolicy(
                f"{name}-policy",
                resource_arn=self.stream.arn,
                policy=json.dumps(policies.stream_policy(settings, spec.name, product.name, product.grants)),
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.stream_name = self.stream.name
        self.register_outputs({"name": self.stream.name, "arn": self.stream.arn})
