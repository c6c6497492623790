"""Discovery offline: list, search (names, descriptions, owners, column names and descriptions, ranked) and show."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from blueprints import load_mesh
from dmesh.catalog_search import entries, score, search
from meshtest import EXAMPLE_MESH, REPO


def catalog(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", "catalog", *args], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def all_entries():
    return entries(load_mesh(EXAMPLE_MESH, {}).domains)


def test_list_shows_every_product_with_its_facts():
    result = catalog("list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert len(rows) == 8
    assert rows["sales.orders"] == {"id": "sales.orders", "domain": "sales", "product": "orders", "classification": "confidential",
                                    "owner": "sales-data@acme.example", "ports": ["s3", "kinesis"], "freshnessHours": 24,
                                    "description": rows["sales.orders"]["description"]}


def test_search_by_column_name_ranks_the_products_holding_it(all_entries):
    found = [(e.id, s) for e, s in search(all_entries, "customer_id")]
    # five products hold the column (training-sets in both its tables); equal scores are ordered by id
    assert found == [("ml-features.churn-features", 3), ("ml-features.churn-scores", 3), ("ml-features.training-sets", 3), ("sales.customers", 3),
                     ("sales.orders", 3)]
    holders = {e.id for e in all_entries if any(c.name == "customer_id" for c in e.columns)}
    assert {i for i, _ in found} == holders
    # a word in the product's name as well counts more
    assert [e.id for e, _ in search(all_entries, "customer")][0] == "sales.customers"


def test_every_word_must_match(all_entries):
    assert search(all_entries, "churn nonexistentword") == []
    assert {e.id for e, _ in search(all_entries, "churn")} == {"ml-features.churn-features", "ml-features.churn-scores", "ml-features.training-sets"}


def test_a_name_match_outranks_a_description_match(all_entries):
    by_id = {e.id: e for e in all_entries}
    assert score(by_id["sales.orders"], "orders") > score(by_id["ml-features.churn-features"], "orders")


def test_show_gives_contract_columns_inputs_and_grants():
    details = json.loads(catalog("show", "sales.orders", "--format", "json").stdout)
    assert details["contract"] == {"id": "urn:datacontract:sales:orders", "version": "1.4.0", "status": "active"}
    assert details["inputs"] == ["marketing.campaigns"] and details["grants"] == ["marketing", "ml-features"]
    assert {"name": "order_id", "type": "string", "classification": None} == {k: v for k, v in details["columns"][0].items() if k != "description"}


@pytest.mark.parametrize("args", [["show", "nope.x"], ["list", "--mesh-root", "/nonexistent"], ["search", "x", "--mesh-root", "/nonexistent"]])
def test_bad_requests(args):
    result = catalog(*args)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.strip()


def test_tags_are_searched_too(all_entries):
    """The preset a product follows and its classification are its tags."""
    assert {e.id for e, _ in search(all_entries, "streaming@1")} == {"marketing.campaigns", "marketing.web-events"}
