"""The pack starts exactly as the Pulumi engine starts it, and advertises the mesh's rule set."""

from __future__ import annotations

import subprocess
import sys

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from meshtest import REPO

# The rule set the platform promises (issue: federated computational governance), with default levels.
PROMISED = {
    "s3-encryption-customer-managed-kms": "mandatory", "s3-public-access-blocked": "mandatory", "s3-versioning-enabled": "mandatory",
    "s3-tls-only": "advisory", "no-public-principals": "mandatory", "kms-key-rotation-enabled": "mandatory",
    "kinesis-encryption-kms": "mandatory", "iam-no-wildcard-actions": "mandatory", "iam-no-wildcard-resource-writes": "mandatory",
    "iam-permission-boundary-required": "mandatory", "required-tags": "mandatory", "retention-within-limit": "mandatory",
    "k8s-namespace-quota": "mandatory", "k8s-pod-security": "mandatory", "k8s-resource-limits": "mandatory",
    "k8s-approved-registries": "advisory", "catalog-entry-required": "mandatory", "stateful-resources-protected": "advisory",
}
LEVELS = {analyzer_pb2.MANDATORY: "mandatory", analyzer_pb2.ADVISORY: "advisory"}


def test_engine_style_start_lists_every_rule():
    process = subprocess.Popen([sys.executable, "platform/policy_pack"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(process.stdout.readline().decode().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty())
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert info.name == "dmesh-governance"
    assert {p.name: LEVELS[p.enforcementLevel] for p in info.policies} == PROMISED
    assert all(p.description for p in info.policies)
    # the mesh-wide config ships inside the pack, so `--policy-pack platform/policy_pack` alone enforces it
    assert list(info.initialConfig["no-public-principals"].properties["allowedAccountIds"]) == ["123456789012"]


def test_policy_pack_layout_is_what_pulumi_expects():
    from ruamel.yaml import YAML

    pack = REPO / "platform" / "policy_pack"
    settings = YAML(typ="safe").load((pack / "PulumiPolicy.yaml").read_text())
    assert settings["runtime"]["name"] == "python"
    assert (pack / "__main__.py").is_file() and "pulumi-policy" in (pack / "requirements.txt").read_text()
