"""Encryption rules for keys and streams."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .rule import Rule
from .resources import KINESIS_STREAM, KMS_KEY, ResourceView


def key_rotation_enabled(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != KMS_KEY:
        return
    spec = resource.props.get("customerMasterKeySpec") or resource.props.get("keySpec") or "SYMMETRIC_DEFAULT"
    if spec == "SYMMETRIC_DEFAULT" and resource.props.get("enableKeyRotation") is not True:
        yield f"KMS key {resource.name!r} does not rotate; set enableKeyRotation: true"


def kinesis_encryption_kms(resource: ResourceView, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != KINESIS_STREAM:
        return
    if resource.props.get("encryptionType") != "KMS" or not resource.props.get("kmsKeyId"):
        yield f"stream {resource.name!r} is not encrypted with KMS; set encryptionType: KMS and kmsKeyId to the domain key"


RULES = (
    Rule("kms-key-rotation-enabled", "Every symmetric KMS key has automatic rotation enabled.",
         "mandatory", "resource", key_rotation_enabled, "medium", ("encryption",)),
    Rule("kinesis-encryption-kms", "Every Kinesis stream is encrypted with KMS.", "mandatory", "resource", kinesis_encryption_kms,
         "high", ("streaming", "encryption")),
)
