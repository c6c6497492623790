"""Analyze calls per second against the real policy pack process (the review's inner loop); prints its figures.

Usage: .venv/bin/python bench/analyzer_throughput.py
"""

from __future__ import annotations

import time
from pathlib import Path

from blueprints import load_mesh
from components import DomainStack, DomainStackArgs
from components.settings import PlatformSettings
from dmesh.governance.config import mesh_levels
from dmesh.governance.config import load_platform_config
from dmesh.review.analyzer import PolicyPackClient
from components.testing import MeshMocks, capture

SETTINGS = PlatformSettings("eu-west-1", "123456789012", "dm-platform-audit-logs", "dm-platform-catalog",
                            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/BENCH")


def main() -> None:
    mesh = load_mesh(Path("domain_stacks"), mesh_levels())
    spec = mesh.domains["sales"]
    inputs = {r: mesh.domains[r.domain].product(r.product) for p in spec.products for r in p.inputs}
    start = time.perf_counter()
    registrations = [r for r in capture(lambda: DomainStack(DomainStackArgs(spec, inputs, SETTINGS)), project="sales", stack="bench", mocks=MeshMocks()) if r.custom]
    capture_s = time.perf_counter() - start
    print(f"capture under mocks: {len(registrations)} custom resources in {capture_s:.2f} s")
    with PolicyPackClient() as pack:
        pack.configure(load_platform_config())
        rounds = 20
        start = time.perf_counter()
        for _ in range(rounds):
            for r in registrations:
                pack.analyze(r)
        analyze_s = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(rounds):
            pack.analyze_stack(registrations)
        stack_s = time.perf_counter() - start
    calls = rounds * len(registrations)
    print(f"Analyze: {calls} calls in {analyze_s:.2f} s = {calls / analyze_s:.0f} calls/s ({1000 * analyze_s / calls:.2f} ms each)")
    print(f"AnalyzeStack ({len(registrations)} resources): {1000 * stack_s / rounds:.1f} ms each")


if __name__ == "__main__":
    main()
