"""How `dmesh preview` scales with the number of domains, serial and parallel; prints its figures.

Usage: .venv/bin/python bench/preview_scale.py [N ...]   (default: 4 8 16 domains)
Domains are onboarded with `dmesh init` (batch@1, one product each) into a temporary mesh, then
reviewed with --jobs 1 and --jobs <cpu count>. Timings are machine-dependent: quote ratios.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from dmesh.governance.config import load_platform_config
from dmesh.onboarding import init_domain
from dmesh.review.runner import review
from dmesh.validation import Target, validate_mesh


def make_mesh(root: Path, count: int) -> None:
    """`root` is the mesh root; its parent receives the domains' CI workflows, as a repository would."""
    for i in range(count):
        init_domain(root, {"domain": f"domain-{i:03d}", "owner": f"team{i}@acme.example", "cost_center": f"CC-{i}",
                           "preset": ("batch@1", "streaming@1", "ml-features@1")[i % 3], "product": "records", "classification": "internal"})


def main(counts: list[int]) -> None:
    cpus = os.cpu_count() or 1
    print(f"{'domains':>8} {'resources':>10} {'validate s':>11} {'jobs=1 s':>9} {f'jobs={cpus} s':>9} {'speed-up':>9} {'ms/resource':>12}")
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "mesh"
            root.mkdir()
            make_mesh(root, count)
            start = time.perf_counter()
            validate_mesh(Target(root, None))
            validate_s = time.perf_counter() - start
            config = load_platform_config()
            serial = review(root, config, jobs=1)
            parallel = review(root, config, jobs=cpus)
            assert serial.exit_code == 0 and parallel.exit_code == 0, (serial.errors, serial.violations)
            resources = serial.summary.resources
            print(f"{count:>8} {resources:>10} {validate_s:>11.2f} {serial.seconds:>9.1f} {parallel.seconds:>9.1f} "
                  f"{serial.seconds / parallel.seconds:>9.2f} {1000 * parallel.seconds / resources:>12.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [4, 8, 16])
