"""A cold mesh loaded on every core gives exactly what one core gives, whatever the children do."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from blueprints import mesh as mesh_module
from blueprints import parallel_load
from blueprints.spec_cache import SpecCache
from dmesh.governance.config import mesh_levels
from meshtest import REPO, add_domain

_spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
generate_module = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(generate_module)  # type: ignore[union-attr]


@pytest.fixture
def generated(tmp_path) -> Path:
    """Twelve domains, two of them broken: one's blueprint does not parse, one's contract breaks ODCS."""
    root = tmp_path / "mesh"
    generate_module.generate(root, 12, 2, seed=5)
    (root / "d0003" / "domain.yaml").write_text("apiVersion: [unclosed\n")
    contract = root / "d0007" / "contracts" / "p01.odcs.yaml"
    contract.write_text(contract.read_text().replace("apiVersion: v3.0.2", "apiVersion: v0.0.0"))
    return root


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(parallel_load, "cores", lambda: 2)


def _load(root: Path, cache: Path, monkeypatch, parallel: bool, focus: Path | None = None):
    monkeypatch.setenv("DMESH_CACHE_DIR", str(cache))
    mesh = mesh_module.load_mesh(root, mesh_levels(), focus=focus, parallel=parallel)
    domains = {name: (spec.file, [(p.name, len(p.contract.columns)) for p in spec.products], name in mesh.summarised)
               for name, spec in mesh.domains.items()}
    return domains, sorted(f.render(root) for f in mesh.findings)


def test_a_parallel_cold_load_finds_what_a_serial_one_finds(generated, tmp_path, monkeypatch, two_cores):
    serial = _load(generated, tmp_path / "serial-cache", monkeypatch, parallel=False)
    parallel = _load(generated, tmp_path / "parallel-cache", monkeypatch, parallel=True)
    assert parallel == serial
    domains, findings = parallel
    assert "d0003" not in domains and "d0007" not in domains and len(domains) == 10
    assert any("d0003/domain.yaml" in f for f in findings) and any("p01.odcs.yaml" in f for f in findings)


def test_the_children_load_their_share_into_the_cache_and_this_process_the_rest(generated, tmp_path, monkeypatch, two_cores):
    monkeypatch.setenv("DMESH_CACHE_DIR", str(tmp_path / "cache"))
    here = []
    load = mesh_module._load

    def counting(folder, presets, with_contracts):
        here.append(folder.name)  # a child's calls are counted in its own copy of this list
        return load(folder, presets, with_contracts)

    monkeypatch.setattr(mesh_module, "_load", counting)
    mesh = mesh_module.load_mesh(generated, mesh_levels(), parallel=True)
    assert len(mesh.domains) == 10
    folders = sorted(p for p in generated.iterdir() if p.is_dir())
    # this process loaded its half and the broken domains of the children's half again (errors are not cached)
    assert sorted(set(here)) == sorted({f.name for f in folders[0::2]} | {"d0003", "d0007"})
    cache = SpecCache()
    assert all(cache.holds(f) for f in folders if f.name not in ("d0003", "d0007"))


def test_a_child_that_dies_leaves_its_share_to_this_process(generated, tmp_path, monkeypatch, two_cores):
    def dying(cache, share, load):
        pid = os.fork()
        if pid == 0:
            os._exit(9)
        return pid

    monkeypatch.setattr(parallel_load, "_fork", dying)
    serial = _load(generated, tmp_path / "serial-cache", monkeypatch, parallel=False)
    assert _load(generated, tmp_path / "parallel-cache", monkeypatch, parallel=True) == serial


def _forbidden_fork():
    raise AssertionError("forked")


def test_a_warm_run_forks_nothing(generated, tmp_path, monkeypatch, two_cores):
    _load(generated, tmp_path / "cache", monkeypatch, parallel=True)
    (generated / "d0005" / "domain.yaml").write_text((generated / "d0005" / "domain.yaml").read_text() + "\n")  # one domain changed
    monkeypatch.setattr(os, "fork", _forbidden_fork)
    monkeypatch.setattr(parallel_load, "WARM_PROBES", 4)
    assert len(_load(generated, tmp_path / "cache", monkeypatch, parallel=True)[0]) == 10


def _upstream(domains, name: str) -> set[str]:
    """The domains `name` reads, directly or through others, as the whole mesh's specs say."""
    seen, frontier = set(), [name]
    while frontier:
        spec = domains.get(frontier.pop())
        for ref in (ref for p in (spec.products if spec else ()) for ref in p.inputs):
            if ref.domain not in seen and ref.domain != name:
                seen.add(ref.domain)
                frontier.append(ref.domain)
    return seen


@pytest.mark.parametrize("focus", ["d0001", "d0003", "d0007", "d0011", "hub"],
                         ids=["reads-others", "broken-blueprint", "broken-contract", "last", "reads-every-domain"])
def test_around_a_focus_only_what_it_reads_is_loaded_on_as_many_cores_as_pay(generated, tmp_path, monkeypatch, two_cores, focus):
    """The focus, the domains it reads whole, their own upstream as summaries; forked only when that is many cold domains
    (here the hub, which reads all twelve), and the same result as one core's."""
    hub = add_domain(generated, "hub", "joined")
    hub.write_text(hub.read_text().replace("classification: public\n", "classification: public\n      inputs: ["
                                           + ", ".join(f"d{i:04d}.p01" for i in range(12)) + "]\n"))
    forks = []
    fork = os.fork

    def counted():
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    serial = _load(generated, tmp_path / "serial-cache", monkeypatch, parallel=False, focus=generated / focus)
    assert forks == []
    parallel = _load(generated, tmp_path / "parallel-cache", monkeypatch, parallel=True, focus=generated / focus)
    assert forks == ([1] if focus == "hub" else [])
    assert parallel == serial
    domains, _ = parallel
    whole = mesh_module.load_mesh(generated, mesh_levels()).domains
    assert set(domains) == ({focus} | _upstream(whole, focus)) - {"d0003", "d0007"} - ({focus} - whole.keys())
    direct = {ref.domain for p in whole[focus].products for ref in p.inputs} if focus in whole else set()
    cache = SpecCache()
    for name, (_, products, summary) in domains.items():
        assert summary == (name not in direct | {focus})
        if name != focus:  # kept in the cache as the focus needs it, by whichever process loaded it
            assert cache.holds(generated / name, with_contracts=not summary)
            assert summary == all(columns == 0 for _, columns in products)


@pytest.mark.parametrize("setting", ["cache off", "one core", "too few cold domains"])
def test_nothing_is_forked_when_sharing_cannot_pay(generated, tmp_path, monkeypatch, setting):
    monkeypatch.setattr(parallel_load, "cores", lambda: 1 if setting == "one core" else 2)
    monkeypatch.setenv("DMESH_CACHE_DIR", str(tmp_path / "cache"))
    if setting == "cache off":
        monkeypatch.setenv("DMESH_CACHE", "0")
    if setting == "too few cold domains":
        monkeypatch.setattr(parallel_load, "MIN_SHARE", 7)  # 12 domains: not 7 each for 2 processes
    monkeypatch.setattr(os, "fork", _forbidden_fork)
    focus = generated / "d0001" if setting == "focus" else None
    mesh = mesh_module.load_mesh(generated, mesh_levels(), focus=focus, parallel=True)
    assert "d0001" in mesh.domains
