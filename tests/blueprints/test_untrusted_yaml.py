"""YAML is untrusted input: bombs, self-reference, huge or binary files end in one finding, quickly."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprints import BlueprintError, load_domain, load_presets
from blueprints.yaml_source import read_yaml
from meshtest import ALIAS_BOMB

BOMB = ALIAS_BOMB


def only_finding(file: Path):
    with pytest.raises(BlueprintError) as caught:
        read_yaml(file)
    [finding] = caught.value.findings
    return finding


def test_alias_bomb_is_refused_within_a_second(tmp_path):
    file = tmp_path / "domain.yaml"
    file.write_text(BOMB)
    assert len(BOMB) < 2048  # a few kilobytes standing for 9**10 values
    finding = only_finding(file)  # how long it takes is measured by bench/untrusted_yaml.py, never asserted here
    assert finding.message == "the document expands to more than 100,000 values or 64 levels"
    assert "aliases" in finding.hint


def test_alias_bomb_through_the_loader(tmp_path):
    folder = tmp_path / "sales"
    folder.mkdir()
    (folder / "domain.yaml").write_text(BOMB)
    with pytest.raises(BlueprintError) as caught:
        load_domain(folder, load_presets())
    assert [f.message for f in caught.value.findings] == ["the document expands to more than 100,000 values or 64 levels"]


def test_self_referencing_document(tmp_path):
    """An alias inside its own anchor cannot recurse: it reads as null, and the loader goes on."""
    file = tmp_path / "domain.yaml"
    file.write_text("spec: &s\n  again: *s\n")
    assert read_yaml(file).data == {"spec": {"again": None}}


def test_deep_nesting(tmp_path):
    file = tmp_path / "domain.yaml"
    file.write_text("a: " + "[" * 200 + "]" * 200 + "\n")
    finding = only_finding(file)
    assert finding.message == "the document expands to more than 100,000 values or 64 levels"


def test_huge_file(tmp_path):
    file = tmp_path / "domain.yaml"
    file.write_text("# " + "x" * (1024 * 1024) + "\n")
    assert only_finding(file).message == "the file is larger than 1024 KiB"


def test_nul_byte(tmp_path):
    file = tmp_path / "domain.yaml"
    file.write_text("apiVersion: dmesh/v1\nkind: Dom\x00ain\n")
    finding = only_finding(file)
    assert (finding.line, finding.message) == (2, "the file contains a NUL byte")


def test_a_folder_where_the_file_should_be(tmp_path):
    (tmp_path / "domain.yaml").mkdir()
    assert only_finding(tmp_path / "domain.yaml").message.startswith("cannot read file")
