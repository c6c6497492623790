"""Lineage over the example mesh: every product with its classification and owner, every edge with the ports it reads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from blueprints import ProductRef, load_mesh
from dmesh.lineage import around, mesh_graph, render_dot, render_mermaid
from meshtest import EXAMPLE_MESH, REPO

EDGES = {("marketing.campaigns", "ml-features.churn-features", "s3"), ("marketing.campaigns", "sales.orders", "s3"),
         ("marketing.web-events", "marketing.campaigns", "s3+kinesis"), ("ml-features.churn-features", "ml-features.churn-scores", "s3"),
         ("sales.customers", "ml-features.churn-features", "s3"), ("sales.orders", "ml-features.churn-features", "s3+kinesis"),
         ("sales.store-locations", "marketing.campaigns", "s3"), ("ml-features.churn-features", "ml-features.training-sets", "s3")}


def lineage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", "lineage", *args], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def graph():
    return mesh_graph(load_mesh(EXAMPLE_MESH, {}).domains)


def test_the_whole_mesh_as_json():
    result = lineage("--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {(e["from"], e["to"], e["ports"]) for e in report["edges"]} == EDGES
    nodes = {n["id"]: n for n in report["nodes"]}
    assert len(nodes) == 8 and nodes["sales.customers"] == {"id": "sales.customers", "domain": "sales", "product": "customers",
                                                             "classification": "restricted", "owner": "sales-data@acme.example"}


@pytest.mark.parametrize(("upstream", "downstream", "depth", "expected"), [
    (True, False, None, {"ml-features.churn-scores", "ml-features.churn-features", "sales.orders", "sales.customers", "marketing.campaigns",
                         "marketing.web-events", "sales.store-locations"}),
    (True, False, 1, {"ml-features.churn-scores", "ml-features.churn-features"}),
    (True, False, 2, {"ml-features.churn-scores", "ml-features.churn-features", "sales.orders", "sales.customers", "marketing.campaigns"}),
    (False, True, None, {"ml-features.churn-scores"}),
])
def test_around_a_product(graph, upstream, downstream, depth, expected):
    part = around(graph, ProductRef("ml-features", "churn-scores"), upstream, downstream, depth)
    assert {str(n.ref) for n in part.nodes} == expected
    assert all(str(e.upstream) in expected and str(e.downstream) in expected for e in part.edges)


def test_downstream_of_a_source(graph):
    part = around(graph, ProductRef("sales", "store-locations"), False, True, None)
    assert {str(n.ref) for n in part.nodes} == {"sales.store-locations", "marketing.campaigns", "sales.orders", "ml-features.churn-features",
                                                "ml-features.churn-scores", "ml-features.training-sets"}


def test_mermaid_and_dot_name_every_product_once(graph):
    mermaid, dot = render_mermaid(graph), render_dot(graph)
    assert mermaid.startswith("flowchart LR\n") and dot.startswith("digraph lineage {")
    assert mermaid.count("-->|") == len(EDGES) and dot.count(" -> ") == len(EDGES)
    assert 'p_sales__store_locations["sales.store-locations<br/>public · sales-data@acme.example"]' in mermaid
    assert "p_marketing__web_events -->|s3+kinesis| p_marketing__campaigns" in mermaid


def test_node_ids_stay_distinct_where_names_would_blur():
    from dmesh.lineage import _id

    assert _id(ProductRef("a-b", "c")) != _id(ProductRef("a", "b-c"))


@pytest.mark.parametrize(("args", "message"), [
    (["nope.x"], "no product nope.x in"),
    (["Sales_Orders"], "'Sales_Orders' is not DOMAIN.PRODUCT"),
    (["--upstream"], "need a product to start from"),
])
def test_bad_requests_are_usage_errors(args, message):
    result = lineage(*args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_writes_a_file(tmp_path):
    target = tmp_path / "lineage.mmd"
    assert lineage("sales.orders", "-o", str(target)).returncode == 0
    assert target.read_text().startswith("flowchart LR")
