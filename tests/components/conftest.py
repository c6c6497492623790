"""Run DomainStack under Pulumi's mocks (fresh monitor per run, preview=False) and index what it registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from blueprints import DomainSpec, ProductRef, ProductSpec, load_mesh
from components import DomainStack
from dmesh.governance.config import mesh_levels
from dmesh.review.capture import Registration, capture
from dmesh.review.mocks import MeshMocks
from meshtest import EXAMPLE_MESH, SETTINGS

@dataclass
class Captured:
    registrations: list[Registration]

    def of_type(self, suffix: str) -> list[Registration]:
        return [r for r in self.registrations if r.type.endswith(suffix)]

    def named(self, name: str) -> Registration:
        [match] = [r for r in self.registrations if r.name == name]
        return match

    def parent_of(self, reg: Registration) -> Registration | None:
        return next((r for r in self.registrations if r.urn == reg.parent), None)


@pytest.fixture(scope="session")
def example_specs() -> dict[str, DomainSpec]:
    mesh = load_mesh(EXAMPLE_MESH, mesh_levels())
    assert mesh.valid
    return mesh.domains


def inputs_of(spec: DomainSpec, specs: dict[str, DomainSpec]) -> dict[ProductRef, ProductSpec]:
    return {ref: specs[ref.domain].product(ref.product) for p in spec.products for ref in p.inputs}


Build = Callable[[DomainSpec], Captured]


@pytest.fixture
def build(example_specs) -> Build:
    def _build(spec: DomainSpec, inputs: dict | None = None) -> Captured:
        wanted = inputs if inputs is not None else inputs_of(spec, {**example_specs, spec.name: spec})
        return Captured(capture(lambda: DomainStack(spec, wanted, SETTINGS), project=spec.name, stack="test", mocks=MeshMocks()))

    return _build
