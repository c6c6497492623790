"""`resolve_below` answers exactly what `Path.resolve()` answers, for every shape of relative path a blueprint can hold."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from blueprints.paths import resolve_below, resolved


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A domain folder with ordinary files and folders, links inside and out, a loop and a dangling link."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("x")
    domain = tmp_path / "mesh" / "sales"
    (domain / "contracts" / "nested").mkdir(parents=True)
    (domain / "contracts" / "orders.odcs.yaml").write_text("x")
    (domain / "contracts" / "nested" / "deep.odcs.yaml").write_text("x")
    (domain / "domain.yaml").write_text("x")
    (domain / "contracts" / "to-secret.odcs.yaml").symlink_to(outside / "secret.yaml")
    (domain / "contracts" / "to-orders.odcs.yaml").symlink_to("orders.odcs.yaml")
    (domain / "linked").symlink_to(outside)
    (domain / "inner").symlink_to("contracts")
    (domain / "loop-a").symlink_to("loop-b")
    (domain / "loop-b").symlink_to("loop-a")
    (domain / "dangling.odcs.yaml").symlink_to(tmp_path / "nowhere")
    return domain.resolve()


RELATIVE = [
    "contracts/orders.odcs.yaml",
    "./contracts/orders.odcs.yaml",
    "contracts//orders.odcs.yaml",
    "contracts/./nested/deep.odcs.yaml",
    "contracts/nested/deep.odcs.yaml",
    "contracts/missing.odcs.yaml",
    "missing/folder/file.odcs.yaml",
    "domain.yaml/below-a-file.yaml",
    "contracts/to-secret.odcs.yaml",
    "contracts/to-orders.odcs.yaml",
    "linked/secret.yaml",
    "linked/missing.yaml",
    "inner/orders.odcs.yaml",
    "inner/nested/../orders.odcs.yaml",
    "dangling.odcs.yaml",
    "../sales/contracts/orders.odcs.yaml",
    "contracts/../../outside.yaml",
    "../../outside/secret.yaml",
    "/etc/passwd",
    "contracts/",
    ".",
    "",
    "contracts/orders.odcs.yaml/",
    "contracts/ orders.odcs.yaml",
    "contracts/..odcs.yaml",
    "contracts/...",
]


@pytest.mark.parametrize("relative", RELATIVE)
def test_resolve_below_agrees_with_path_resolve(tree: Path, relative: str) -> None:
    assert resolve_below(tree, relative) == (tree / relative).resolve()


@pytest.mark.parametrize("relative", ["loop-a/file.yaml", "loop-a", "contracts/../loop-b/x.yaml"])
def test_links_that_loop_are_an_os_error_not_a_runtime_error(tree: Path, relative: str) -> None:
    """`Path.resolve()` raises RuntimeError on a loop before Python 3.13: callers handle OSError alone, as for any unreadable path."""
    with pytest.raises(OSError) as caught:
        resolve_below(tree, relative)
    assert caught.value.errno == errno.ELOOP


@pytest.mark.parametrize("relative", ["contracts/\x00.yaml", "\x00", "../\x00"])
def test_a_nul_byte_is_an_os_error(tree: Path, relative: str) -> None:
    with pytest.raises(OSError) as caught:
        resolve_below(tree, relative)
    assert caught.value.errno == errno.EINVAL


@pytest.mark.parametrize("relative", RELATIVE)
def test_resolved_is_path_resolve_where_that_answers(tree: Path, relative: str) -> None:
    assert resolved(tree / relative) == (tree / relative).resolve()


def test_resolved_never_raises_on_a_nul_byte(tree: Path) -> None:
    assert resolved(tree / "contracts" / "x\x00.yaml") == tree / "contracts" / "x\x00.yaml"


@pytest.mark.parametrize("relative", ["loop-a", "loop-a/file.yaml", "loop-a/deeper/file.yaml"])
def test_resolved_leaves_a_loop_unresolved_below_its_resolved_parent(tree: Path, relative: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What Python 3.13 answers; a finding's file can be such a link, and showing the finding must not raise."""
    monkeypatch.chdir(tree)
    assert resolved(Path(relative)) == tree / relative
    linked = tree.parent / "linked-domain"
    linked.symlink_to(tree)
    assert resolved(linked / relative) == tree / relative


def test_a_link_in_the_relative_part_leads_where_it_points(tree: Path) -> None:
    escaped = resolve_below(tree, "contracts/to-secret.odcs.yaml")
    assert not escaped.is_relative_to(tree)
    assert escaped.name == "secret.yaml"


def test_the_common_case_touches_only_the_relative_components(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes it worth having: no walk from the root, and no call to `Path.resolve` at all."""
    seen: list[str] = []
    real = os.lstat
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: seen.append(str(p)) or real(p, *a, **k))
    monkeypatch.setattr(Path, "resolve", lambda *_a, **_k: pytest.fail("fell back to Path.resolve"))
    assert resolve_below(tree, "contracts/orders.odcs.yaml") == tree / "contracts" / "orders.odcs.yaml"
    assert seen == [str(tree / "contracts"), str(tree / "contracts" / "orders.odcs.yaml")]
