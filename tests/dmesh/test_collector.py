"""The collector is paused inside and left as it was found, error or not."""

from __future__ import annotations

import gc
from types import SimpleNamespace

import pytest
from dmesh.collector import collector_paused


@pytest.fixture
def collector_restored():
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_off_inside_and_as_it_was_after(collector_restored, enabled_before):
    (gc.enable if enabled_before else gc.disable)()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled_before


def test_an_error_inside_leaves_the_collector_on(collector_restored):
    gc.enable()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("boom")
    assert gc.isenabled()


def test_validation_loads_the_mesh_with_the_collector_paused(monkeypatch, collector_restored, tmp_path):
    from dmesh import validation

    seen = []

    def loading(*args, **kwargs):
        seen.append(gc.isenabled())
        return SimpleNamespace(findings=[])

    gc.enable()
    monkeypatch.setattr(validation, "load_mesh", loading)
    validation.validate_mesh(validation.Target(tmp_path, None), {})
    assert seen == [False] and gc.isenabled()
