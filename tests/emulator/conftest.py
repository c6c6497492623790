"""Emulators for the suite: LocalStack (host mode here, or whatever answers on its endpoint) and moto.

Both are started and stopped by the suite itself. If LocalStack cannot start the tests fail with
the log's tail; they never skip. The access matrix is printed at the end of the run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from access_matrix import MATRIX_KEY, summarize
from blueprints import DomainSpec
from dmesh.local import LocalStack, LocalStackError, endpoint_from_env
from components.testing import Registration
from harness import Applier, capture_mesh, client_factory, remove_mesh
from meshtest import EXAMPLE_MESH

@pytest.fixture(scope="session")
def example_mesh() -> tuple[dict[str, DomainSpec], dict[str, list[Registration]]]:
    return capture_mesh(EXAMPLE_MESH)


@pytest.fixture(scope="session")
def localstack() -> Iterator[str]:
    stack = LocalStack(endpoint_from_env())
    ours = stack.running_pid() is not None
    if ours:  # a host-mode LocalStack left by an earlier run: start from a clean state
        stack.stop(lambda _msg: None)
    try:
        started = stack.start(lambda msg: print(msg))
    except LocalStackError as exc:
        pytest.fail(f"LocalStack could not start: {exc}", pytrace=False)
    yield stack.endpoint
    if started:
        stack.stop(lambda _msg: None)


@pytest.fixture(scope="session")
def localstack_mesh(localstack, example_mesh) -> tuple[Applier, dict[str, list[Registration]]]:
    """The example mesh applied to LocalStack (Glue is not in LocalStack's community edition: moto covers it)."""
    _, captured = example_mesh
    clients = client_factory(localstack)
    remove_mesh(clients, [r for regs in captured.values() for r in regs])  # only matters for a long-lived external LocalStack
    applier = Applier(clients, skip_types=frozenset({"aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"}))
    applier.prepare_platform()
    for registrations in captured.values():
        applier.apply_all(registrations)
    return applier, captured


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    checks = config.stash.get(MATRIX_KEY, [])
    if not checks:
        return
    terminalreporter.section("cross-domain access matrix")
    for side, row in sorted(summarize(checks).items()):
        terminalreporter.write_line(f"{side:>14}: {row.get('tried', 0):4} tried, {row.get('allowed', 0):4} allowed, "
                                    f"{row.get('denied', 0):4} denied, {row.get('mismatches', 0)} mismatches")
