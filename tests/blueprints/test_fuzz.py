"""Whatever a domain team writes, the loader answers with BlueprintError, never a crash."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blueprints import BlueprintError, load_domain, load_presets
from meshtest import EXAMPLE_MESH

PRESETS = load_presets()
ORIGINAL = (EXAMPLE_MESH / "sales" / "domain.yaml").read_text()
yaml_tokens = st.sampled_from(list(string.printable) + [": ", "- ", "\n  ", "&a", "*a", "!!", "? ", "\x00", "é", "---", "...", "%YAML"])
yaml_text = st.lists(yaml_tokens, max_size=80).map("".join)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
documents = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)), max_leaves=20)


def load_text(folder: Path, text: str) -> None:
    """Either a spec true to the folder, or findings that each name a file of the folder and say something."""
    (folder / "domain.yaml").write_text(text, encoding="utf-8")
    try:
        spec = load_domain(folder, PRESETS)
    except BlueprintError as exc:
        assert exc.findings, "a BlueprintError always carries findings"
        for finding in exc.findings:
            assert finding.file.resolve().is_relative_to(folder.resolve()), finding
            assert finding.line >= 0 and finding.message.strip(), finding
            assert finding.line <= len(text.splitlines()) + 1 or finding.file.name != "domain.yaml", finding
        return
    # accepted: the document must really describe this domain, every product with its contract
    assert spec.name == folder.name and spec.file == folder / "domain.yaml"
    assert spec.products and all(p.contract.columns for p in spec.products)
    assert text.strip(), "an empty document cannot be a domain"


def _folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mesh") / "sales"
    (folder / "contracts").mkdir(parents=True)
    for contract in (EXAMPLE_MESH / "sales" / "contracts").iterdir():
        (folder / "contracts" / contract.name).write_text(contract.read_text())
    return folder


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_text)
def test_random_text(tmp_path_factory, text):
    load_text(_folder(tmp_path_factory), text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(ORIGINAL)), insert=yaml_text, drop=st.integers(0, 40))
@example(cut=0, insert="", drop=0)  # the untouched example: the accepting branch of load_text runs every time
def test_mutated_example(tmp_path_factory, cut, insert, drop):
    load_text(_folder(tmp_path_factory), ORIGINAL[:cut] + insert + ORIGINAL[cut + drop:])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents)
def test_random_structures(tmp_path_factory, doc):
    import json

    load_text(_folder(tmp_path_factory), json.dumps(doc))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["metadata", "spec", "spec.compute", "spec.dataProducts", "spec.governance"]), value=documents)
def test_valid_shape_with_random_subtree(tmp_path_factory, key, value):
    import json

    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(ORIGINAL)
    node = data
    *parents, leaf = key.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    load_text(_folder(tmp_path_factory), json.dumps(data))
