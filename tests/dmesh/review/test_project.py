"""A Pulumi project as the review reads it: what Pulumi accepts loads, and every other shape is a ProjectError that names
the file, the key and the value, never an exception from deep inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmesh.review.project import ProjectError, load_project


def project(tmp_path: Path, pulumi_yaml: str, stack_yaml: str | None = None) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "__main__.py").write_text("import pulumi\n")
    (folder / "Pulumi.yaml").write_text(pulumi_yaml)
    if stack_yaml is not None:
        (folder / "Pulumi.dev.yaml").write_text(stack_yaml)
    return folder


def test_a_project_with_config_defaults_and_stack_values(tmp_path):
    folder = project(tmp_path, "name: shop\nruntime: {name: python, options: {toolchain: pip}}\nconfig:\n"
                               "  region: {type: string, default: eu-west-1}\n  aws:profile: dev\n",
                     "config:\n  shop:size: 3\n  region: us-east-1\n")
    loaded = load_project(folder, "dev")
    assert loaded.name == "shop" and loaded.main_file == folder.resolve() / "__main__.py"
    assert loaded.config == {"shop:region": "us-east-1", "aws:profile": "dev", "shop:size": 3}


def test_a_nested_main_and_a_missing_name(tmp_path):
    folder = project(tmp_path, "runtime: python\nmain: src\n")
    (folder / "src").mkdir()
    (folder / "src" / "__main__.py").write_text("")
    loaded = load_project(folder, "dev")
    assert loaded.name == "p" and loaded.main_dir == folder.resolve() / "src"


BAD = [
    ("- a\n- b\n", None, "Pulumi.yaml: the document must be a mapping, not ['a', 'b']"),
    ("name: [1]\nruntime: python\n", None, "Pulumi.yaml: name must be a string, not [1]"),
    ("name: x\nruntime: [python]\n", None, "Pulumi.yaml: runtime must be a runtime name (python) or a mapping with a name, not ['python']"),
    ("name: x\nruntime: {options: {}}\n", None, "Pulumi.yaml: runtime.name is missing"),
    ("name: x\nruntime: nodejs\n", None, "runtime is 'nodejs'; dmesh preview runs Python programs only"),
    ("name: x\n", None, "Pulumi.yaml: runtime is missing; add `runtime: python`"),
    ("name: x\nruntime: python\nmain: 5\n", None, "Pulumi.yaml: main must be a string, not 5"),
    ("name: x\nruntime: python\nconfig: [1, 2]\n", None, "Pulumi.yaml: config must be a mapping, not [1, 2]"),
    ("name: x\nruntime: python\nconfig: {1: 2}\n", None, "Pulumi.yaml: config.1.[key] must be a string, not 1"),
    ("name: x\nruntime: python\nmain: nowhere\n", None, "nowhere: no __main__.py to run"),
    ("name: x\nruntime: python\n", "- 1\n", "Pulumi.dev.yaml: the document must be a mapping, not [1]"),
    ("name: x\nruntime: python\n", "config: [1]\n", "Pulumi.dev.yaml: config must be a mapping, not [1]"),
    ("name: x\nruntime: python\n", "config: {a: [\n", "Pulumi.dev.yaml: cannot read"),
    ("name: [unclosed\n", None, "Pulumi.yaml: cannot read"),
    ('name: x\nruntime: python\nmain: "sub\\0dir"\n', None, "no __main__.py to run"),  # a NUL byte: no such folder, no traceback
    ("name: x\nruntime: python\nconfig:\n  l0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
     + "".join(f"  l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)), None,
     "Pulumi.yaml: cannot read: the document expands to more than"),  # an alias bomb: the config is serialized per program
    ("name: x\nruntime: python\n", "config:\n  a: !custom x\n", "Pulumi.dev.yaml: cannot read: the YAML tag !custom"),
]


@pytest.mark.parametrize(("pulumi_yaml", "stack_yaml", "message"), BAD, ids=[b[2][:40] for b in BAD])
def test_every_other_shape_is_a_project_error_naming_file_key_and_value(tmp_path, pulumi_yaml, stack_yaml, message):
    with pytest.raises(ProjectError) as caught:
        load_project(project(tmp_path, pulumi_yaml, stack_yaml), "dev")
    assert message in str(caught.value)


def test_a_main_through_links_that_loop_finds_no_program(tmp_path):
    folder = project(tmp_path, "name: x\nruntime: python\nmain: loop-a\n")
    (folder / "loop-a").symlink_to("loop-b")
    (folder / "loop-b").symlink_to("loop-a")
    with pytest.raises(ProjectError, match="loop-a: no __main__.py to run"):
        load_project(folder, "dev")


@pytest.mark.parametrize("linked", ["Pulumi.yaml", "Pulumi.dev.yaml"])
def test_a_project_file_linked_out_of_its_folder_is_refused_unread(tmp_path, linked):
    """The config they hold reaches every program and the messages: a link to a runner's file must not be read."""
    folder = project(tmp_path, "name: shop\nruntime: python\n", "config: {}\n")
    outside = tmp_path / "credentials.yaml"
    outside.write_text("config:\n  aws:secretKey: token-7f3a9c\nruntime: token-7f3a9c\n")
    (folder / linked).unlink()
    (folder / linked).symlink_to(outside)
    with pytest.raises(ProjectError) as raised:
        load_project(folder, "dev")
    assert "must live inside the project folder" in str(raised.value) and "token-7f3a9c" not in str(raised.value)


def test_a_project_file_linked_inside_its_folder_is_read(tmp_path):
    folder = project(tmp_path, "name: shop\nruntime: python\n")
    (folder / "settings").mkdir()
    (folder / "Pulumi.yaml").rename(folder / "settings" / "Pulumi.yaml")
    (folder / "Pulumi.yaml").symlink_to(Path("settings") / "Pulumi.yaml")
    assert load_project(folder, "dev").name == "shop"
