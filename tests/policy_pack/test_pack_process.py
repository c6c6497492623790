"""The pack starts exactly as the Pulumi engine starts it, and advertises the mesh's rule set."""

from __future__ import annotations

import subprocess
import sys

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from meshtest import REPO
from rulecases import LEVELS  # the rule set the platform promises, with default levels

PROTO_LEVELS = {analyzer_pb2.MANDATORY: "mandatory", analyzer_pb2.ADVISORY: "advisory"}


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
    assert {p.name: PROTO_LEVELS[p.enforcementLevel] for p in info.policies} == LEVELS
    assert all(p.description for p in info.policies)
    # the mesh-wide config ships inside the pack, so `--policy-pack platform/policy_pack` alone enforces it
    assert list(info.initialConfig["no-public-principals"].properties["allowedAccountIds"]) == ["123456789012"]


def test_policy_pack_layout_is_what_pulumi_expects():
    from ruamel.yaml import YAML

    pack = REPO / "platform" / "policy_pack"
    settings = YAML(typ="safe").load((pack / "PulumiPolicy.yaml").read_text())
    assert settings["runtime"]["name"] == "python"
    assert (pack / "__main__.py").is_file() and "pulumi-policy" in (pack / "requirements.txt").read_text()
