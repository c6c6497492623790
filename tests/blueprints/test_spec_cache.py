"""The spec cache: an unchanged domain is loaded from the cache, any change to what decides it loads afresh."""

from __future__ import annotations

import os
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from blueprints import load_presets
from blueprints import BlueprintError
from blueprints.loader import load_domain
from blueprints.mesh import load_mesh
from blueprints.spec_cache import LIBRARIES, SpecCache, installed


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DMESH_CACHE_DIR", str(folder))
    monkeypatch.delenv("DMESH_CACHE", raising=False)
    return folder


class Counting:
    """load_domain, counting its calls: a hit does not call it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, folder, presets, with_contracts):
        self.calls += 1
        return load_domain(folder, dict(presets), with_contracts=with_contracts)


def test_an_unchanged_domain_comes_from_the_cache_equal_to_a_fresh_load(mesh, store):
    presets, load = load_presets(), Counting()
    first = SpecCache(presets).load(mesh / "sales", True, load)
    second = SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 1 and second == first == load_domain(mesh / "sales", presets)
    assert oct(store.stat().st_mode & 0o777) == "0o700"
    assert all(oct(e.stat().st_mode & 0o777) == "0o600" for e in store.iterdir())


@pytest.mark.parametrize("edit", [
    lambda m: (m / "sales" / "domain.yaml").write_text((m / "sales" / "domain.yaml").read_text() + "\n# a comment\n"),
    lambda m: (m / "sales" / "contracts" / "orders.odcs.yaml").write_text(
        (m / "sales" / "contracts" / "orders.odcs.yaml").read_text().replace("description: Order lines", "description: Order lines, changed", 1)),
])
def test_a_changed_blueprint_or_contract_is_loaded_afresh(mesh, store, edit):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    edit(mesh)
    spec = SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 2 and spec == load_domain(mesh / "sales", presets)


def test_with_and_without_contracts_are_different_entries(mesh, store):
    presets, load = load_presets(), Counting()
    summary = SpecCache(presets).load(mesh / "sales", False, load)
    full = SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 2 and summary != full


def test_a_copy_of_the_mesh_elsewhere_is_not_served_the_originals_paths(mesh, store, tmp_path):
    import shutil

    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    copy = tmp_path / "copy"
    shutil.copytree(mesh, copy)
    assert SpecCache(presets).load(copy / "sales", True, load).folder == (copy / "sales").resolve()
    assert load.calls == 2


def test_an_entry_others_can_write_is_never_unpickled(mesh, store):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    [entry] = list(store.iterdir())
    entry.write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")  # a pickle that runs a command if loaded
    entry.chmod(0o666)
    assert SpecCache(presets).load(mesh / "sales", True, load) == load_domain(mesh / "sales", presets)
    assert load.calls == 2


def test_a_corrupt_entry_is_replaced(mesh, store):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    [entry] = list(store.iterdir())
    entry.write_bytes(b"not a pickle")
    assert SpecCache(presets).load(mesh / "sales", True, load) == load_domain(mesh / "sales", presets)
    assert SpecCache(presets).load(mesh / "sales", True, load) and load.calls == 2


def test_a_domain_with_errors_is_never_cached_and_stays_reported(mesh, store):
    blueprint = mesh / "sales" / "domain.yaml"
    blueprint.write_text(blueprint.read_text().replace("freshnessHours: 24", "freshnessHours: -3", 1))
    for _ in range(2):
        found = load_mesh(mesh, {})
        assert any(f.field.endswith("freshnessHours") for f in found.findings)
    assert not any(store.glob("*.pickle")) or all("sales" not in e.name for e in store.iterdir())
    assert "sales" in found.broken


def test_the_cache_can_be_turned_off(mesh, store, monkeypatch):
    monkeypatch.setenv("DMESH_CACHE", "0")
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 2 and not store.exists()


def test_a_cache_folder_others_can_write_is_not_used(mesh, store):
    store.mkdir(mode=0o777)
    os.chmod(store, 0o777)
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 2 and list(store.iterdir()) == []


def test_a_mesh_loads_the_same_from_the_cache(mesh, store):
    cold = load_mesh(mesh, {})
    warm = load_mesh(mesh, {})
    assert warm.domains == cold.domains and [f.render() for f in warm.findings] == [f.render() for f in cold.findings]
    assert len(list(store.glob("*.pickle"))) == 3




def test_other_presets_are_other_entries(mesh, store):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    changed = {name: p.model_copy(update={"description": p.description + " (changed)"}) for name, p in presets.items()}
    SpecCache(changed).load(mesh / "sales", True, load)
    SpecCache(presets).load(mesh / "sales", True, load)
    assert load.calls == 2 and len(list(store.glob("*.pickle"))) == 2


def test_a_summary_is_served_from_a_complete_entry_equal_to_a_summary_load(mesh, store):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    summary = SpecCache(presets).load(mesh / "sales", False, load)
    assert load.calls == 1 and summary == load_domain(mesh / "sales", presets, with_contracts=False)


def test_a_complete_entry_whose_contract_changed_does_not_serve_a_summary(mesh, store):
    presets, load = load_presets(), Counting()
    SpecCache(presets).load(mesh / "sales", True, load)
    (mesh / "sales" / "contracts" / "orders.odcs.yaml").unlink()
    with pytest.raises(BlueprintError, match="not found"):
        SpecCache(presets).load(mesh / "sales", False, load)
    assert load.calls == 2


def test_without_presets_the_packaged_ones_are_read_only_when_a_domain_is_not_cached(mesh, store, monkeypatch):
    """Their files are part of the code digest; reading them takes the models and YAML readers, 45 ms of a cached run."""
    import blueprints.presets

    reads = []
    real = blueprints.presets.load_presets
    monkeypatch.setattr(blueprints.presets, "load_presets", lambda *a: reads.append(1) or real(*a))
    first = SpecCache().load(mesh / "sales", True, Counting())
    assert reads == [1]
    assert SpecCache().load(mesh / "sales", True, Counting()) == first and reads == [1]
    assert first == SpecCache(load_presets()).load(mesh / "sales", True, Counting())  # the same spec as with them named


def test_a_broken_packaged_preset_stops_the_mesh_load_instead_of_failing_a_domain(mesh, store, monkeypatch):
    import blueprints.presets
    from blueprints.errors import Finding, PresetError

    broken = PresetError([Finding(Path("batch@1.yaml"), 1, "name", "preset declares batch@9 but the file is named batch@1.yaml")])
    monkeypatch.setattr(blueprints.presets, "load_presets", lambda *a: (_ for _ in ()).throw(broken))
    with pytest.raises(PresetError):
        load_mesh(mesh, {})


def test_a_cached_validation_loads_neither_the_loader_nor_its_models(mesh, store):
    import subprocess
    import sys

    probe = ("import sys; from pathlib import Path; from dmesh.validation import Target, validate_mesh; "
             "_, findings = validate_mesh(Target(Path(sys.argv[1]), None)); assert not findings, findings; "
             "print(sorted(m for m in ('blueprints.loader', 'blueprints.models', 'blueprints.yaml_source', 'blueprints.presets', 'croniter') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", probe, str(mesh)], capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    assert runs[0].stdout.strip() != "[]" and runs[1].stdout.strip() == "[]"  # the first run fills the cache


def test_what_validation_refuses_unread_is_never_digested_whole(tmp_path):
    """A pipe would block the digest and a link to a huge file fill the memory: neither is read, nor ever cached."""
    import os

    from blueprints.limits import MAX_BYTES
    from blueprints.spec_cache import _sha

    large = tmp_path / "large.yaml"
    large.write_bytes(b"a" * (MAX_BYTES + 1))
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    fitting = tmp_path / "fitting.yaml"
    fitting.write_bytes(b"a" * MAX_BYTES)
    assert _sha(large) is None and _sha(pipe) is None and _sha(tmp_path) is None and _sha(tmp_path / "missing") is None
    assert _sha(fitting) is not None


def test_the_libraries_versions_are_read_as_importlib_metadata_reads_them():
    assert installed(LIBRARIES) == [f"{library}={version(library)}" for library in LIBRARIES]


def test_a_library_is_the_first_on_the_path_with_its_release_and_a_missing_one_its_bare_name(tmp_path):
    """Another release first on the path is what imports, so it is what the cache's key holds."""
    (tmp_path / "ahead").mkdir()
    (tmp_path / "ahead" / "pydantic-9.9.9.dist-info").mkdir()
    (tmp_path / "ahead" / "ruamel.yaml-0.1.egg-info").mkdir()  # a legacy install, its name not normalised
    (tmp_path / "ahead" / "jsonschema_rs").mkdir()  # the package, not its metadata
    assert installed(("pydantic", "ruamel.yaml", "jsonschema-rs", "no-such-library"), [str(tmp_path / "ahead"), str(tmp_path / "gone"), *sys.path]) \
        == ["pydantic=9.9.9", "ruamel.yaml=0.1", f"jsonschema-rs={version('jsonschema-rs')}", "no-such-library"]
