"""The packages' exports load on first use: the review's parent reads registrations without the Pulumi SDK, and its
forking worker builds programs without the blueprint loader."""

from __future__ import annotations

import subprocess
import sys

import blueprints
import components
import components.testing

PACKAGES = (blueprints, components, components.testing)


def test_every_export_resolves_and_the_lists_agree():
    assert set(components.testing.__all__) == set(components.testing._HOMES)
    assert set(blueprints.__all__) == set(blueprints._HOMES)
    for package in PACKAGES:
        for name in package.__all__:
            assert getattr(package, name) is not None


def test_an_unknown_name_is_an_attribute_error():
    for package in PACKAGES:
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


def test_the_forking_worker_loads_neither_the_blueprint_loader_nor_json_schema_nor_pydantic():
    """A reviewed program is handed its validated specs and its project as read: the loader's models, the YAML
    readers, JSON Schema checks and pydantic would only lengthen the start-up every one-domain review waits for (they
    load in a child that needs them); the schedules' gaps come with the specs, so croniter is not needed either."""
    probe = ("import sys; from dmesh.review.zygote import ROLES; ROLES['programs'](); "
             "print(sorted(m for m in ('blueprints.loader', 'blueprints.models', 'blueprints.contracts', 'blueprints.yaml_source', "
             "'jsonschema', 'open_data_contract_standard', 'pydantic', 'ruamel.yaml', 'dmesh.review.project', 'croniter') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_no_export_shares_its_name_with_a_submodule():
    """Once a submodule is imported, Python sets it on the package under its name: an export of that name would
    then be the module, not the function (`capture` was)."""
    from pathlib import Path

    for package in PACKAGES:
        folder = Path(package.__file__).parent
        assert [n for n in package.__all__ if (folder / f"{n}.py").exists() or (folder / n).is_dir()] == []
    import importlib

    importlib.import_module("components.testing.recording")
    from components.testing import capture

    assert callable(capture) and capture.__module__ == "components.testing.recording"
