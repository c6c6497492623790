"""Mocks that answer like AWS and Kubernetes would, so every `.apply` in a program runs.

With preview=False and realistic ids and ARNs, policy documents built from outputs are
complete strings the policy pack can judge, as they would be during `pulumi up`.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi

from blueprints import arns


def _uuid(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "eu-west-1"


class MeshMocks(pulumi.runtime.Mocks):
    def __init__(self, account_id: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> None:
        self.account_id = account_id
        self.region = region

    def _state(self, typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        acct, region, partition = self.account_id, self.region, arns.partition_of(self.region)
        if typ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            bucket = inputs.get("bucket") or f"{name}-{_uuid(name)[:7]}"
            return bucket, {"bucket": bucket, "arn": arns.bucket(bucket, partition), "bucketDomainName": f"{bucket}.s3.amazonaws.com", "region": region}
        if typ == "aws:kms/key:Key":
            key_id = _uuid(name)
            return key_id, {"keyId": key_id, "arn": arns.kms(region, acct, f"key/{key_id}")}
        if typ == "aws:kms/alias:Alias":
            alias = inputs.get("name", f"alias/{name}")
            return alias, {"arn": arns.kms(region, acct, alias), "targetKeyArn": arns.kms(region, acct, f"key/{inputs.get('targetKeyId', '')}")}
        if typ == "aws:kinesis/stream:Stream":
            arn = arns.stream(region, acct, inputs.get("name", name))
            return arn, {"arn": arn, "name": inputs.get("name", name), "shardCount": 0}
        if typ == "aws:iam/role:Role":
            role = inputs.get("name", name)
            return role, {"arn": arns.role(acct, role, partition), "uniqueId": "AROA" + _uuid(name)[:16].upper().replace("-", "")}
        if typ == "aws:iam/policy:Policy":
            arn = arns.iam_policy(acct, inputs.get("name", name), partition)
            return arn, {"arn": arn, "policyId": "ANPA" + _uuid(name)[:16].upper().replace("-", "")}
        if typ == "aws:glue/catalogDatabase:CatalogDatabase":
            db = inputs.get("name", name)
            return f"{acct}:{db}", {"arn": arns.glue(region, acct, f"database/{db}"), "catalogId": acct}
        if typ == "aws:glue/catalogTable:CatalogTable":
            table = inputs.get("name", name)
            db = inputs.get("databaseName", "")
            return f"{acct}:{db}:{table}", {"arn": arns.glue(region, acct, f"table/{db}/{table}"), "catalogId": acct}
        if typ.startswith("aws:s3/bucketObject"):
            return inputs.get("key", name), {"etag": hashlib.md5(str(inputs.get("content", "")).encode()).hexdigest()}
        if typ == "aws:sns/topic:Topic":
            arn = arns.topic(region, acct, inputs.get("name", name))
            return arn, {"arn": arn}
        if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            alarm = inputs.get("name", name)
            return alarm, {"arn": arns.alarm(region, acct, alarm)}
        if typ.startswith("kubernetes:"):
            meta = dict(inputs.get("metadata") or {})
            meta.setdefault("name", name)
            ns = meta.get("namespace")
            return f"{ns}/{meta['name']}" if ns else meta["name"], {"metadata": meta}
        return f"{name}-id", {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id, extra = self._state(args.typ, args.name, args.inputs)
        return resource_id, {**args.inputs, **extra, "id": resource_id}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": self.account_id, "arn": arns.account_root(self.account_id, arns.partition_of(self.region)), "userId": self.account_id}, None
        if args.token == "aws:index/getRegion:getRegion":
            return {"name": self.region, "region": self.region, "id": self.region}, None
        return {}, None
