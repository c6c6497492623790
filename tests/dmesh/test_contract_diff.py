"""`dmesh contract diff` and `dmesh validate --against`: every class of change, classified, with a pair each way."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from blueprints.yaml_source import read_yaml
from dmesh.contract_diff import diff_contracts, major
from meshtest import EXAMPLE_MESH, REPO

ORDERS = EXAMPLE_MESH / "sales" / "contracts" / "orders.odcs.yaml"
BASE = read_yaml(ORDERS).data
P = "schema[orders].properties"


def prop(doc: dict, name: str) -> dict:
    return next(p for p in doc["schema"][0]["properties"] if p["name"] == name)


def edited(change: Callable[[dict], Any], base: dict | None = None) -> dict:
    doc = copy.deepcopy(base or BASE)
    change(doc)
    return doc


def with_options(**options) -> dict:
    return edited(lambda d: prop(d, "sku").update(logicalTypeOptions=options))


# (class, old, new, [(path, severity)]) - a breaking and a non-breaking (or info) case for each class of change
CASES: list[tuple[str, dict, dict, list[tuple[str, str]]]] = [
    ("property removed", BASE, edited(lambda d: d["schema"][0]["properties"].remove(prop(d, "status"))), [(f"{P}[status]", "breaking")]),
    ("property renamed", BASE, edited(lambda d: prop(d, "status").update(name="state")),
     [(f"{P}[state]", "non-breaking"), (f"{P}[status]", "breaking")]),
    ("optional property added", BASE, edited(lambda d: d["schema"][0]["properties"].append({"name": "coupon", "logicalType": "string"})),
     [(f"{P}[coupon]", "non-breaking")]),
    ("required property added", BASE, edited(lambda d: d["schema"][0]["properties"].append({"name": "coupon", "logicalType": "string", "required": True})),
     [(f"{P}[coupon]", "breaking")]),
    ("type changed", BASE, edited(lambda d: prop(d, "amount").update(physicalType="double")), [(f"{P}[amount].physicalType", "breaking")]),
    ("logical type changed", BASE, edited(lambda d: prop(d, "sku").update(logicalType="integer")), [(f"{P}[sku].logicalType", "breaking")]),
    ("became required", BASE, edited(lambda d: prop(d, "status").update(required=True)), [(f"{P}[status].required", "breaking")]),
    ("no longer required", edited(lambda d: prop(d, "status").update(required=True)), BASE, [(f"{P}[status].required", "non-breaking")]),
    ("length tightened", with_options(maxLength=64), with_options(maxLength=32), [(f"{P}[sku].maxLength", "breaking")]),
    ("length loosened", with_options(maxLength=32), with_options(maxLength=64), [(f"{P}[sku].maxLength", "non-breaking")]),
    ("minimum tightened", with_options(minimum=0), with_options(minimum=1), [(f"{P}[sku].minimum", "breaking")]),
    ("range bound added", BASE, with_options(maximum=100), [(f"{P}[sku].maximum", "breaking")]),
    ("range bound dropped", with_options(maximum=100), BASE, [(f"{P}[sku].maximum", "non-breaking")]),
    ("pattern changed", with_options(pattern="^[A-Z]+$"), with_options(pattern="^[A-Z]{3}$"), [(f"{P}[sku].pattern", "breaking")]),
    ("pattern dropped", with_options(pattern="^[A-Z]+$"), BASE, [(f"{P}[sku].pattern", "non-breaking")]),
    ("enum narrowed", with_options(enum=["a", "b"]), with_options(enum=["a"]), [(f"{P}[sku].enum", "breaking")]),
    ("enum widened", with_options(enum=["a"]), with_options(enum=["a", "b"]), [(f"{P}[sku].enum", "non-breaking")]),
    ("primary key changed", BASE, edited(lambda d: prop(d, "order_id").update(primaryKey=False)), [(f"{P}[order_id].primaryKey", "breaking")]),
    ("classification changed", BASE, edited(lambda d: prop(d, "customer_id").update(classification="internal")),
     [(f"{P}[customer_id].classification", "breaking")]),
    ("classification removed", BASE, edited(lambda d: prop(d, "customer_id").pop("classification")), [(f"{P}[customer_id].classification", "breaking")]),
    ("description", BASE, edited(lambda d: prop(d, "amount").update(description="Amount in cents")), [(f"{P}[amount].description", "info")]),
    ("tags", BASE, edited(lambda d: prop(d, "amount").update(tags=["finance"])), [(f"{P}[amount].tags", "info")]),
    ("examples", BASE, edited(lambda d: prop(d, "amount").update(examples=["1.00"])), [(f"{P}[amount].examples", "info")]),
    ("table removed", edited(lambda d: d["schema"].append({"name": "returns", "properties": [{"name": "id", "logicalType": "string"}]})), BASE,
     [("schema[returns]", "breaking")]),
    ("table added", BASE, edited(lambda d: d["schema"].append({"name": "returns", "properties": [{"name": "id", "logicalType": "string"}]})),
     [("schema[returns]", "non-breaking")]),
    ("nested field removed", edited(lambda d: prop(d, "status").update(logicalType="object", properties=[{"name": "a", "logicalType": "string"},
                                                                                                         {"name": "b", "logicalType": "string"}])),
     edited(lambda d: prop(d, "status").update(logicalType="object", properties=[{"name": "a", "logicalType": "string"}])),
     [(f"{P}[status].properties[b]", "breaking")]),
]


@pytest.mark.parametrize(("old", "new", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_class_of_change(old, new, expected):
    assert sorted((c.path, c.severity) for c in diff_contracts(old, new)) == sorted(expected)


def test_identical_contracts_have_no_changes():
    assert diff_contracts(BASE, copy.deepcopy(BASE)) == []


def test_versions():
    assert [major(v) for v in ("1.4.0", "v2.0", "10.1.1", "one", None)] == [1, 2, 10, None, None]


def dmesh(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_the_command_prints_json_and_the_readers_and_exits_1_on_breaking(tmp_path):
    new = tmp_path / "orders.odcs.yaml"
    new.write_text(ORDERS.read_text().replace("      - name: status\n", "      - name: state\n"))
    result = dmesh("contract", "diff", str(ORDERS), str(new), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout) == {"changes": [
        {"path": f"{P}[status]", "severity": "breaking", "message": "property 'status' removed (or renamed)"},
        {"path": f"{P}[state]", "severity": "non-breaking", "message": "optional property 'state' added"}],
        "impacted": ["ml-features.churn-features"]}
    markdown = dmesh("contract", "diff", str(ORDERS), str(new), "--format", "markdown").stdout
    assert "**1 breaking change(s)**" in markdown and "Read by: `ml-features.churn-features`" in markdown
    new.write_text(ORDERS.read_text().replace("description: Line amount in EUR", "description: Line amount in euro"))
    result = dmesh("contract", "diff", str(ORDERS), str(new))
    assert result.returncode == 0 and result.stdout.startswith(f"info         {P}[amount].description: description changed")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True, capture_output=True)


def test_validate_against_a_revision_wants_a_major_bump_for_a_breaking_change(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE_MESH, repo / "domain_stacks")
    git(repo, "init", "--quiet")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "base")
    contract = repo / "domain_stacks" / "sales" / "contracts" / "orders.odcs.yaml"
    contract.write_text(contract.read_text().replace("      - name: status\n", "      - name: state\n").replace("version: 1.4.0", "version: 1.5.0"))
    result = dmesh("validate", "domain_stacks", "--against", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1, result.stderr
    [error] = json.loads(result.stdout)["errors"]
    assert error["field"] == "version" and error["file"].endswith("sales/contracts/orders.odcs.yaml")
    assert error["message"] == ("1 breaking change(s) since HEAD without a major version bump ('1.4.0' -> '1.5.0'): "
                                f"{P}[status]: property 'status' removed (or renamed); read by ml-features.churn-features")
    # validating the producer alone names the same readers, though around it only what lies upstream is read
    result = dmesh("validate", "domain_stacks/sales", "--against", "HEAD", "--format", "json", cwd=repo)
    assert result.returncode == 1 and json.loads(result.stdout)["errors"] == [error]
    contract.write_text(contract.read_text().replace("version: 1.5.0", "version: 2.0.0"))
    assert dmesh("validate", "domain_stacks", "--against", "HEAD", cwd=repo).returncode == 0
    # a compatible change needs no bump, and an unknown revision is bad input
    git(repo, "commit", "--quiet", "-am", "v2")
    contract.write_text(contract.read_text().replace("description: Line amount in EUR", "description: Line amount in euro"))
    assert dmesh("validate", "domain_stacks", "--against", "HEAD", cwd=repo).returncode == 0
    assert dmesh("validate", "domain_stacks", "--against", "no-such-ref", cwd=repo).returncode == 2
