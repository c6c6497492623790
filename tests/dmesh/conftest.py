"""A policy pack process shared by the governance and review tests (started as the engine does)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dmesh.review.analyzer import PolicyPackClient


@pytest.fixture(scope="session")
def pack() -> Iterator[PolicyPackClient]:
    with PolicyPackClient() as client:
        yield client
