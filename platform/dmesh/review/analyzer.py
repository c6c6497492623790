"""The policy pack's analyzer, asked exactly as the Pulumi engine asks it.

`Analyzer` builds the engine's messages (`pulumirpc.Analyzer`: Configure, ConfigureStack, Analyze per resource,
AnalyzeStack for the whole stack) and reads the diagnostics; where the messages go is a subclass's business.
`PolicyPackClient` starts the pack as its own process (`python platform/policy_pack`), reads its gRPC port on stdout
and sends them over gRPC, as `pulumi preview --policy-pack` does; `dmesh.review.judge` hands them to the same
analyzer inside a preloaded process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from ..governance.config import policy_pack_dir
from ..governance.levels import LEVELS
from components.testing.registration import Registration

from .diagnostic import Diagnostic

LEVEL_TO_PROTO = {level: analyzer_pb2.EnforcementLevel.Value(level.upper()) for level in LEVELS}
PROTO_TO_LEVEL = {v: k for k, v in LEVEL_TO_PROTO.items()}
START_TIMEOUT_S = 60


class PolicyPackError(RuntimeError):
    pass


def _struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    value = struct_pb2.Struct()
    value.update(dict(data))
    return value


def _diagnostics(response: analyzer_pb2.AnalyzeResponse, default_urn: str = "") -> list[Diagnostic]:
    return [
        Diagnostic(d.policyName, PROTO_TO_LEVEL.get(d.enforcementLevel, "advisory"), d.urn or default_urn, d.message)
        for d in response.diagnostics
    ]


class Analyzer:
    """The engine's side of the conversation; `_call(method, request)` delivers a message and returns the answer."""

    def _call(self, method: str, request: Any) -> Any:
        raise NotImplementedError

    def configure(self, config: Mapping[str, Mapping[str, Any]]) -> None:
        """Send the stack's policy config; every rule gets its level explicitly, as the engine does."""
        policy_config = {
            name: analyzer_pb2.PolicyConfig(
                enforcementLevel=LEVEL_TO_PROTO[str(entry.get("enforcementLevel", "mandatory"))],
                properties=_struct({k: v for k, v in entry.items() if k != "enforcementLevel"}),
            )
            for name, entry in config.items()
        }
        self._call("Configure", analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config))

    def configure_stack(self, project: str, stack: str, config: Mapping[str, str]) -> None:
        self._call("ConfigureStack", analyzer_pb2.AnalyzerStackConfigureRequest(
            project=project, stack=stack, organization="organization", dry_run=True, config=dict(config)))

    @staticmethod
    def _options(reg: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
        return analyzer_pb2.AnalyzerResourceOptions(protect=reg.protect, parent=reg.parent)

    def analyze(self, reg: Registration) -> list[Diagnostic]:
        """Resource-level policies on the resource's inputs (what `pulumi preview` sends)."""
        request = analyzer_pb2.AnalyzeRequest(type=reg.type, properties=_struct(reg.inputs), urn=reg.urn, name=reg.name,
                                              options=self._options(reg))
        return _diagnostics(self._call("Analyze", request), reg.urn)

    def analyze_stack(self, registrations: Iterable[Registration]) -> list[Diagnostic]:
        """Stack-level policies over every custom resource's state, with parents and dependencies."""
        resources = [
            analyzer_pb2.AnalyzerResource(
                type=r.type, properties=_struct(r.state), urn=r.urn, name=r.name, options=self._options(r), parent=r.parent,
                dependencies=r.dependencies,
                propertyDependencies={k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v) for k, v in r.property_dependencies.items()},
            )
            for r in registrations
        ]
        return _diagnostics(self._call("AnalyzeStack", analyzer_pb2.AnalyzeStackRequest(resources=resources)))

    def judge(self, policy_config: Mapping[str, Mapping[str, Any]], project: str, stack: str, stack_config: Mapping[str, Any],
              registrations: Iterable[Registration]) -> list[Diagnostic]:
        """One program's diagnostics, in the engine's order: configure, every custom resource, then the stack."""
        self.configure(policy_config)
        self.configure_stack(project, stack, {k: v if isinstance(v, str) else json.dumps(v) for k, v in stack_config.items()})
        custom = [r for r in registrations if r.custom]
        return [d for r in custom for d in self.analyze(r)] + self.analyze_stack(custom)


class PolicyPackClient(Analyzer):
    """Runs the pack for the lifetime of a `with` block."""

    def __init__(self, pack_dir: Path | None = None, python: str = sys.executable) -> None:
        self.pack_dir = pack_dir or policy_pack_dir()
        self.python = python
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stderr: list[str] = []
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None

    def __enter__(self) -> PolicyPackClient:
        self._process = subprocess.Popen(
            [self.python, str(self.pack_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=self.pack_dir, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        try:
            port = self._read_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
            grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT_S)
        except BaseException:
            self.__exit__()
            raise
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        return self

    def _drain_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.decode(errors="replace"))

    def _read_port(self) -> int:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline().decode().strip()
        if not line.isdigit():
            self._process.wait(timeout=10)
            raise PolicyPackError(f"the policy pack at {self.pack_dir} did not start:\n{''.join(self._stderr[-20:])}")
        return int(line)

    def __exit__(self, *exc: object) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process, self._channel, self.stub = None, None, None

    @property
    def _rpc(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self.stub is None:
            raise PolicyPackError("the policy pack is not running")
        return self.stub

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        return self._rpc.GetAnalyzerInfo(empty_pb2.Empty())

    def _call(self, method: str, request: Any) -> Any:
        return getattr(self._rpc, method)(request)


__all__ = ["Analyzer", "Diagnostic", "PolicyPackClient", "PolicyPackError"]
