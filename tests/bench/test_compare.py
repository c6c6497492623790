"""bench/compare.py runs every figure for both checkouts, each from its own folder, and prints them with their ratio."""

from __future__ import annotations

import re
import subprocess
import sys

from meshtest import REPO

FIGURES = ("cli_validate_mesh_s", "cli_validate_one_domain_in_mesh_s", "cli_validate_one_domain_in_mesh_cached_s",
           "cli_preview_one_domain_alone_s", "cli_preview_one_domain_in_mesh_s", "import_floor_s")


def test_every_figure_is_printed_for_both_checkouts_with_its_ratio(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "bench" / "compare.py"), str(REPO), str(REPO), "--domains", "2", "--products", "1",
                             "--runs", "1"], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    printed = dict(line.split("=") for line in result.stdout.split())
    assert sorted(printed) == sorted(f"{side}.{name}" for name in FIGURES for side in ("before", "after", "ratio"))
    assert all(re.fullmatch(r"\d+\.\d{3}", value) and float(value) > 0 for value in printed.values())


def test_a_folder_that_is_no_checkout_is_refused(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "bench" / "compare.py"), str(tmp_path), str(REPO)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "is not a checkout of the platform" in result.stderr
