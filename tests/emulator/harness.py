"""Test harness, not a deploy engine: apply what a domain program registered (captured under
Pulumi's mocks) to an AWS emulator with boto3, so the emulator's APIs judge the requests.

Only the resource types the components generate are supported; Kubernetes objects and Pulumi
components are skipped. Values the mocks invented (KMS key ids and ARNs) are swapped for the
emulator's real ones as resources are applied in registration order (dependencies first).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws
from moto.core.authorization import enable_iam_authentication

from blueprints import DomainSpec, ProductRef, ProductSpec, load_mesh, naming
from components import DomainStack, DomainStackArgs
from components.settings import PlatformSettings
from dmesh.governance.config import mesh_levels
from components.testing import MeshMocks, Registration, capture

ACCOUNT = "123456789012"
REGION = "us-east-1"
SETTINGS = PlatformSettings(region=REGION, account_id=ACCOUNT, 
                            oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/EMULATOR")


def capture_mesh(root: Path) -> tuple[dict[str, DomainSpec], dict[str, list[Registration]]]:
    """Every domain of the mesh under mocks, with settings that match the emulators' account and region."""
    mesh = load_mesh(root, mesh_levels())
    assert mesh.valid, [f.render() for f in mesh.findings]
    captured = {}
    for name, spec in mesh.domains.items():
        inputs: dict[ProductRef, ProductSpec] = {r: mesh.domains[r.domain].product(r.product) for p in spec.products for r in p.inputs}
        captured[name] = capture(lambda: DomainStack(DomainStackArgs(spec, inputs, SETTINGS)), project=name, stack="emulator",
                                 mocks=MeshMocks(ACCOUNT, REGION))
    return mesh.domains, captured


def _tags(tags: dict[str, str] | None) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


@dataclass
class Applier:
    """Applies registrations through boto3 clients of one emulator endpoint."""

    clients: Callable[[str], Any]
    skip_types: frozenset[str] = frozenset()
    substitutions: dict[str, str] = field(default_factory=dict)
    applied: list[Registration] = field(default_factory=list)

    def _sub(self, value: Any) -> Any:
        if isinstance(value, str):
            for mock, real in self.substitutions.items():
                value = value.replace(mock, real)
            return value
        if isinstance(value, list):
            return [self._sub(v) for v in value]
        if isinstance(value, dict):
            return {k: self._sub(v) for k, v in value.items()}
        return value

    def prepare_platform(self) -> None:
        """The platform stack's buckets (audit logs, catalog) that domain stacks refer to by name."""
        s3 = self.clients("s3")
        for bucket in (SETTINGS.audit_bucket, SETTINGS.catalog_bucket):
            s3.create_bucket(Bucket=bucket)
        # S3 server access logs are delivered by the logging service principal (AWS S3 user guide)
        s3.put_bucket_policy(Bucket=SETTINGS.audit_bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{SETTINGS.audit_bucket}/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}))

    def apply_all(self, registrations: Iterable[Registration]) -> None:
        for reg in registrations:
            if not reg.custom or reg.type.startswith("kubernetes:") or reg.type in self.skip_types:
                continue
            handler = HANDLERS.get(reg.type)
            if handler is None:
                raise NotImplementedError(f"the harness cannot apply {reg.type} ({reg.name})")
            handler(self, reg, self._sub(reg.inputs))
            self.applied.append(reg)


def _bucket(a: Applier, reg: Registration, i: dict) -> None:
    s3 = a.clients("s3")
    s3.create_bucket(Bucket=i["bucket"])
    if i.get("tags"):
        s3.put_bucket_tagging(Bucket=i["bucket"], Tagging={"TagSet": _tags(i["tags"])})


def _sse(a: Applier, reg: Registration, i: dict) -> None:
    rules = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": r["applyServerSideEncryptionByDefault"]["sseAlgorithm"],
                                                     "KMSMasterKeyID": r["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]},
              "BucketKeyEnabled": r.get("bucketKeyEnabled", False)} for r in i["rules"]]
    a.clients("s3").put_bucket_encryption(Bucket=i["bucket"], ServerSideEncryptionConfiguration={"Rules": rules})


def _versioning(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_bucket_versioning(Bucket=i["bucket"], VersioningConfiguration={"Status": i["versioningConfiguration"]["status"]})


def _lifecycle(a: Applier, reg: Registration, i: dict) -> None:
    rules = []
    for r in i["rules"]:
        rule: dict[str, Any] = {"ID": r["id"], "Status": r["status"], "Filter": {"Prefix": r.get("filter", {}).get("prefix", "")}}
        if "expiration" in r:
            rule["Expiration"] = {"Days": r["expiration"]["days"]}
        if "noncurrentVersionExpiration" in r:
            rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": r["noncurrentVersionExpiration"]["noncurrentDays"]}
        if "abortIncompleteMultipartUpload" in r:
            rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": r["abortIncompleteMultipartUpload"]["daysAfterInitiation"]}
        rules.append(rule)
    a.clients("s3").put_bucket_lifecycle_configuration(Bucket=i["bucket"], LifecycleConfiguration={"Rules": rules})


def _public_access_block(a: Applier, reg: Registration, i: dict) -> None:
    flags = {k[0].upper() + k[1:]: i[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")}
    a.clients("s3").put_public_access_block(Bucket=i["bucket"], PublicAccessBlockConfiguration=flags)


def _ownership(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_bucket_ownership_controls(Bucket=i["bucket"], OwnershipControls={"Rules": [{"ObjectOwnership": i["rule"]["objectOwnership"]}]})


def _logging(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_bucket_logging(Bucket=i["bucket"], BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": i["targetBucket"], "TargetPrefix": i["targetPrefix"]}})


def _bucket_policy(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_bucket_policy(Bucket=i["bucket"], Policy=i["policy"])


def _object(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_object(Bucket=i["bucket"], Key=i["key"], Body=i["content"].encode(), ContentType=i.get("contentType", ""),
                               Tagging=urllib.parse.urlencode(i.get("tags") or {}))


def _key(a: Applier, reg: Registration, i: dict) -> None:
    kms = a.clients("kms")
    key = kms.create_key(Description=i.get("description", ""), Policy=i["policy"],
                         Tags=[{"TagKey": k, "TagValue": v} for k, v in (i.get("tags") or {}).items()])["KeyMetadata"]
    if i.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=key["KeyId"])
    a.substitutions[reg.state["keyId"]] = key["KeyId"]
    a.substitutions[reg.state["arn"]] = key["Arn"]


def _alias(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("kms").create_alias(AliasName=i["name"], TargetKeyId=i["targetKeyId"])


def _policy(a: Applier, reg: Registration, i: dict) -> None:
    arn = a.clients("iam").create_policy(PolicyName=i["name"], PolicyDocument=i["policy"], Description=i.get("description", ""),
                                         Tags=_tags(i.get("tags")))["Policy"]["Arn"]
    a.substitutions[reg.state["arn"]] = arn


def _role(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("iam").create_role(RoleName=i["name"], AssumeRolePolicyDocument=i["assumeRolePolicy"],
                                 PermissionsBoundary=i["permissionsBoundary"], Tags=_tags(i.get("tags")))


def _role_policy(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("iam").put_role_policy(RoleName=i["role"], PolicyName=reg.name, PolicyDocument=i["policy"])


def _stream(a: Applier, reg: Registration, i: dict) -> None:
    kinesis = a.clients("kinesis")
    name = i["name"]
    kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": i["streamModeDetails"]["streamMode"]})
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    if i.get("retentionPeriod", 24) > 24:
        kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=i["retentionPeriod"])
    if i.get("encryptionType") == "KMS":
        kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=i["kmsKeyId"])
    if i.get("tags"):
        kinesis.add_tags_to_stream(StreamName=name, Tags=i["tags"])


def _stream_policy(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("kinesis").put_resource_policy(ResourceARN=i["resourceArn"], Policy=i["policy"])


def _glue_database(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("glue").create_database(DatabaseInput={"Name": i["name"], "Description": i.get("description", ""),
                                                     "Parameters": i.get("parameters", {})})


def _glue_table(a: Applier, reg: Registration, i: dict) -> None:
    sd = i["storageDescriptor"]
    columns = [{"Name": c["name"], "Type": c["type"], **({"Comment": c["comment"]} if c.get("comment") else {})} for c in sd["columns"]]
    serde = sd.get("serDeInfo", {})
    keys = [{"Name": c["name"], "Type": c["type"], **({"Comment": c["comment"]} if c.get("comment") else {})} for c in i.get("partitionKeys") or []]
    a.clients("glue").create_table(DatabaseName=i["databaseName"], TableInput={
        "Name": i["name"], "Description": i.get("description", ""), "TableType": i["tableType"], "Parameters": i.get("parameters", {}),
        "PartitionKeys": keys,
        "StorageDescriptor": {"Location": sd["location"], "InputFormat": sd["inputFormat"], "OutputFormat": sd["outputFormat"],
                              "Columns": columns, "SerdeInfo": {"SerializationLibrary": serde.get("serializationLibrary", ""),
                                                                "Parameters": serde.get("parameters") or {}}},
    })


def _topic(a: Applier, reg: Registration, i: dict) -> None:
    arn = a.clients("sns").create_topic(Name=i["name"], Attributes={"KmsMasterKeyId": i["kmsMasterKeyId"]}, Tags=_tags(i.get("tags")))["TopicArn"]
    a.substitutions[reg.state["arn"]] = arn


def _topic_policy(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("sns").set_topic_attributes(TopicArn=i["arn"], AttributeName="Policy", AttributeValue=i["policy"])


def _subscription(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("sns").subscribe(TopicArn=i["topic"], Protocol=i["protocol"], Endpoint=i["endpoint"])


def _bucket_metric(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("s3").put_bucket_metrics_configuration(Bucket=i["bucket"], Id=i["name"], MetricsConfiguration={
        "Id": i["name"], "Filter": {"Prefix": i["filter"]["prefix"]}})


def alarm_request(i: dict) -> dict[str, Any]:
    """PutMetricAlarm's parameters for a registered MetricAlarm's inputs."""
    return {
        "AlarmName": i["name"], "AlarmDescription": i.get("alarmDescription", ""), "Namespace": i["namespace"], "MetricName": i["metricName"],
        "Dimensions": [{"Name": k, "Value": v} for k, v in i.get("dimensions", {}).items()], "Statistic": i["statistic"],
        "ComparisonOperator": i["comparisonOperator"], "Threshold": float(i["threshold"]), "Period": i["period"],
        "EvaluationPeriods": i["evaluationPeriods"], "DatapointsToAlarm": i["datapointsToAlarm"], "TreatMissingData": i["treatMissingData"],
        "ActionsEnabled": i["actionsEnabled"], "AlarmActions": i.get("alarmActions", []), "OKActions": i.get("okActions", []),
        "Tags": _tags(i.get("tags")),
    }


def _alarm(a: Applier, reg: Registration, i: dict) -> None:
    a.clients("cloudwatch").put_metric_alarm(**alarm_request(i))


HANDLERS: dict[str, Callable[[Applier, Registration, dict], None]] = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _sse,
    "aws:s3/bucketVersioning:BucketVersioning": _versioning,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _lifecycle,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _public_access_block,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _ownership,
    "aws:s3/bucketLogging:BucketLogging": _logging,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_policy,
    "aws:s3/bucketObjectv2:BucketObjectv2": _object,
    "aws:kms/key:Key": _key,
    "aws:kms/alias:Alias": _alias,
    "aws:iam/policy:Policy": _policy,
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:kinesis/stream:Stream": _stream,
    "aws:kinesis/resourcePolicy:ResourcePolicy": _stream_policy,
    "aws:glue/catalogDatabase:CatalogDatabase": _glue_database,
    "aws:glue/catalogTable:CatalogTable": _glue_table,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:s3/bucketMetric:BucketMetric": _bucket_metric,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
}


def client_factory(endpoint: str | None, access_key: str = ACCOUNT, secret_key: str = "test", token: str | None = None):
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key=secret_key, aws_session_token=token,
                                    region_name=REGION)
    cache: dict[str, Any] = {}

    def clients(service: str):
        if service not in cache:
            config = boto3.session.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})
            cache[service] = session.client(service, endpoint_url=endpoint, config=config)
        return cache[service]

    return clients


def remove_mesh(clients: Callable[[str], Any], registrations: Iterable[Registration]) -> None:
    """Best-effort removal of what `Applier` creates, so a long-lived emulator can be reused between runs."""
    regs = list(registrations)
    s3, iam, kinesis, kms = clients("s3"), clients("iam"), clients("kinesis"), clients("kms")
    buckets = [r.inputs["bucket"] for r in regs if r.type == "aws:s3/bucket:Bucket"] + [SETTINGS.audit_bucket, SETTINGS.catalog_bucket]
    for bucket in buckets:
        try:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                items = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
                if items:
                    s3.delete_objects(Bucket=bucket, Delete={"Objects": items})
            s3.delete_bucket(Bucket=bucket)
        except s3.exceptions.ClientError:
            pass
    for role in (r.inputs["name"] for r in regs if r.type == "aws:iam/role:Role"):
        try:
            for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
                iam.delete_role_policy(RoleName=role, PolicyName=name)
            iam.delete_role(RoleName=role)
        except iam.exceptions.ClientError:
            pass
    for policy in (r for r in regs if r.type == "aws:iam/policy:Policy"):
        try:
            iam.delete_policy(PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/{policy.inputs['name']}")
        except iam.exceptions.ClientError:
            pass
    existing = set(kinesis.list_streams()["StreamNames"])  # deleting a missing stream upsets kinesis-mock: only delete what exists
    for stream in (r.inputs["name"] for r in regs if r.type == "aws:kinesis/stream:Stream" and r.inputs["name"] in existing):
        try:
            kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)
            kinesis.get_waiter("stream_not_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        except kinesis.exceptions.ClientError:
            pass
    alarms = [r.inputs["name"] for r in regs if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm"]
    for chunk in (alarms[i:i + 100] for i in range(0, len(alarms), 100)):
        clients("cloudwatch").delete_alarms(AlarmNames=chunk)
    sns = clients("sns")
    for topic in (t["TopicArn"] for t in sns.list_topics().get("Topics", [])):
        if topic.rsplit(":", 1)[-1] in {r.inputs["name"] for r in regs if r.type == "aws:sns/topic:Topic"}:
            sns.delete_topic(TopicArn=topic)
    for alias in (r.inputs["name"] for r in regs if r.type == "aws:kms/alias:Alias"):
        try:
            key = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
            kms.delete_alias(AliasName=alias)
            kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
        except kms.exceptions.ClientError:
            pass


@contextmanager
def moto_world(specs: dict[str, DomainSpec], captured: dict[str, list[Registration]]) -> Iterator[Callable[[str], Callable]]:
    """Everything applied to moto (bucket policies aside), one data object per product, and every role assumed;
    yields a client factory per role whose calls run with IAM enforcement."""
    with mock_aws():
        admin = client_factory(None)
        # moto treats conditions it cannot evaluate as met, so the bucket policies' conditional Deny statements
        # would refuse everyone; bucket policies are judged on the resource side (policy_eval) instead
        applier = Applier(admin, skip_types=frozenset({"aws:s3/bucketPolicy:BucketPolicy"}))
        applier.prepare_platform()
        for registrations in captured.values():
            applier.apply_all(registrations)
        for producer in specs.values():
            for product in (p.name for p in producer.products if p.s3):
                admin("s3").put_object(Bucket=naming.bucket_name(producer.name, product), Key=f"{naming.product_prefix(product)}part-0000.json", Body=b"{}")
        sessions = {}
        for domain in specs:
            for kind in ("consumer", "producer"):
                arn = naming.role_arn(SETTINGS.account_id, domain, kind)
                creds = admin("sts").assume_role(RoleArn=arn, RoleSessionName=f"matrix-{domain}-{kind}")["Credentials"]
                sessions[arn] = client_factory(None, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        with enable_iam_authentication():
            yield sessions.__getitem__
