"""Run DomainStack under Pulumi's mocks (fresh monitor per run, preview=False) and index what it registered."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from blueprints import DomainSpec, ProductRef, ProductSpec, load_mesh
from components import DomainStack, DomainStackArgs
from dmesh.governance.config import mesh_levels
from components.testing import Captured, capture_program
from meshtest import EXAMPLE_MESH, SETTINGS

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
        return capture_program(lambda: DomainStack(DomainStackArgs(spec, wanted, SETTINGS)), project=spec.name)

    return _build
