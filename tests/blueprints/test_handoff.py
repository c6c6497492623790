"""A review hands its validated specs to the programs it runs; a program trusts them only while their files are unchanged."""

from __future__ import annotations

import os

import pytest

from blueprints import handoff, load_mesh


@pytest.fixture
def handed(mesh, tmp_path, monkeypatch):
    path = tmp_path / "specs.pickle"
    handoff.write(path, load_mesh(mesh, {}).domains)
    monkeypatch.setenv(handoff.ENV, str(path))
    handoff._entries.cache_clear()
    yield path
    handoff._entries.cache_clear()


def test_a_program_gets_its_domain_and_its_producers(mesh, handed):
    spec, domains = handoff.cached(mesh / "ml-features")
    assert spec.name == "ml-features" and sorted(domains) == ["marketing", "ml-features", "sales"]
    assert oct(handed.stat().st_mode & 0o777) == "0o600"


def test_a_changed_blueprint_or_contract_is_loaded_from_the_files(mesh, handed, edit):
    edit("ml-features/contracts/churn-scores.odcs.yaml", "logicalType: date", "logicalType: date\n        description: day of scoring")
    assert handoff.cached(mesh / "ml-features") is None
    assert handoff.cached(mesh / "sales") is not None and handoff.cached(mesh / "marketing") is not None  # neither reads ml-features
    edit("sales/domain.yaml", "retentionDays: 730", "retentionDays: 731")
    assert handoff.cached(mesh / "sales") is None
    assert handoff.cached(mesh / "marketing") is None  # reads sales.store-locations


def test_no_variable_or_an_unsafe_file_means_no_handoff(mesh, handed, monkeypatch):
    os.chmod(handed, 0o666)
    handoff._entries.cache_clear()
    assert handoff.cached(mesh / "sales") is None
    monkeypatch.delenv(handoff.ENV)
    assert handoff.cached(mesh / "sales") is None
    monkeypatch.setenv(handoff.ENV, str(handed.parent / "missing.pickle"))
    handoff._entries.cache_clear()
    assert handoff.cached(mesh / "sales") is None
