"""Run a Pulumi program under the SDK's mocks and record every resource it registers.

This is Pulumi's official unit-test path (`pulumi.runtime.set_mocks`), extended to keep
what the engine would hand a policy pack: type, name, URN, parent, inputs, options and
property dependencies.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import ROOT
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .mocks import MeshMocks
from .registration import Registration
from .source_position import first_frame_only


def _plain(value: Any) -> Any:
    """Inputs as JSON-able data (secrets unwrapped: the pack sees values as the engine does).

    Pulumi's wire format carries every number as a double; whole numbers come back as ints,
    the way they were written in the program.
    """
    return json.loads(json.dumps(value, default=str), parse_float=lambda text: int(float(text)) if float(text).is_integer() else float(text))


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine makes them: the parent's whole type chain, not only its last type (the SDK's mock
        keeps the last one), and nothing for the root stack. Alias URNs, which the SDK computes with the whole
        chain (`pulumi.runtime.resource.create_urn`), then match the URNs they stand for."""
        prefix = f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::"
        qualified = parent.split("::")[2] if parent else ""
        if qualified and qualified != "pulumi:pulumi:Stack":
            return f"{prefix}{qualified}${type_}::{name}"
        return f"{prefix}{type_}::{name}"

    def GetDeploymentInfo(self, request):  # noqa: N802 - gRPC method name
        # Without alias specs the SDK resolves every alias (parents' included) into full URNs itself, as it does for
        # engines that predate them: the recorded aliases are then the exact URNs the engine would match state against.
        info = super().GetDeploymentInfo(request)
        features = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = _plain(rpc.deserialize_properties(request.object))
            state = _plain(self.resources[response.urn].state) if response.urn in self.resources else {}
            self.registrations.append(Registration(
                type=request.type, name=request.name, urn=response.urn, parent=request.parent, custom=bool(request.custom),
                protect=bool(request.protect), retain_on_delete=bool(request.retainOnDelete), inputs=inputs, state=state,
                provider=request.provider, source_file=request.sourcePosition.uri.removeprefix("file://"),
                source_line=request.sourcePosition.line, dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                aliases=list(request.aliasURNs),
            ))
        return response


def capture(program: Callable[[], Any], *, project: str, stack: str, mocks: pulumi.runtime.Mocks,
            config: dict[str, Any] | None = None) -> list[Registration]:
    """Run `program` with a fresh mock monitor and return what it registered, in order."""
    monitor = RecordingMonitor(mocks)
    ROOT.set(None)  # a fresh root stack per run, so nothing attaches to an earlier program's stack
    pulumi.runtime.set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()})
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    with first_frame_only():  # all a registration keeps of each resource's stack trace (see source_position.py)
        _sync_await(run_pulumi_func(program))
    return monitor.registrations


@dataclass
class Captured:
    """What a program registered, with the look-ups tests make."""

    registrations: list[Registration]

    def of_type(self, suffix: str) -> list[Registration]:
        return [r for r in self.registrations if r.type.endswith(suffix)]

    def named(self, name: str) -> Registration:
        [match] = [r for r in self.registrations if r.name == name]
        return match

    def parent_of(self, reg: Registration) -> Registration | None:
        return next((r for r in self.registrations if r.urn == reg.parent), None)


def capture_program(program: Callable[[], Any], *, project: str, stack: str = "test", mocks: pulumi.runtime.Mocks | None = None,
                    config: dict[str, Any] | None = None) -> Captured:
    """`capture` with the mesh's realistic mocks by default, for component tests."""
    return Captured(capture(program, project=project, stack=stack, mocks=mocks or MeshMocks(), config=config))


def run_project(project_dir: Path, *, project: str, stack: str, mocks: pulumi.runtime.Mocks,
                config: dict[str, Any] | None = None) -> list[Registration]:
    """Run a Pulumi Python project's `__main__.py` as the language host would: in its folder, importable from it.

    The working directory and `sys.path` are restored afterwards, so nothing of one program stays behind.
    """
    main = project_dir / "__main__.py"
    previous_cwd, previous_path = os.getcwd(), list(sys.path)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        return capture(lambda: runpy.run_path(str(main), run_name="__main__"), project=project, stack=stack, mocks=mocks, config=config)
    finally:
        os.chdir(previous_cwd)
        sys.path[:] = previous_path
