"""The packages' exports load on first use, so the review's parent reads registrations without the Pulumi SDK."""

from __future__ import annotations

import subprocess
import sys

import components
import components.testing


def test_every_export_resolves_and_the_lists_agree():
    assert set(components.testing.__all__) == set(components.testing._HOMES)
    for package in (components, components.testing):
        for name in package.__all__:
            assert getattr(package, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    for package in (components, components.testing):
        try:
            package.nothing_here  # noqa: B018
        except AttributeError as exc:
            assert "nothing_here" in str(exc)
        else:
            raise AssertionError("no AttributeError")


def test_the_review_parent_imports_neither_the_sdk_nor_grpc():
    probe = "import sys, dmesh.review.runner; print(sorted(m for m in ('pulumi', 'grpc', 'pulumi_aws', 'pulumi_kubernetes') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_export_shares_its_name_with_a_submodule():
    """Once a submodule is imported, Python sets it on the package under its name: an export of that name would
    then be the module, not the function (`capture` was)."""
    from pathlib import Path

    for package in (components, components.testing):
        folder = Path(package.__file__).parent
        assert [n for n in package.__all__ if (folder / f"{n}.py").exists() or (folder / n).is_dir()] == []
    import importlib

    importlib.import_module("components.testing.recording")
    from components.testing import capture

    assert callable(capture) and capture.__module__ == "components.testing.recording"
