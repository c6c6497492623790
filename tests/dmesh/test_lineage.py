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


def test_html_is_one_self_contained_page_with_every_product(tmp_path):
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.links: list[str] = []
            self.sections: list[str] = []
            self.boxes = 0
            self.text = ""

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            self.tags.append(tag)
            self.links += [v for k, v in attrs if k in ("href", "src", "srcset", "action", "data", "xlink:href") and v]
            if tag == "section":
                self.sections.append(values["id"])
            self.boxes += tag == "rect"

        def handle_data(self, data):
            self.text += data

    out = tmp_path / "lineage.html"
    result = subprocess.run([sys.executable, "-m", "dmesh", "lineage", "--format", "html", "-o", str(out)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    products = sorted(f"{d}.{p.name}" for d, spec in load_mesh(EXAMPLE_MESH, {}).domains.items() for p in spec.products)
    assert sorted(page.sections) == products and page.boxes == len(products) and "svg" in page.tags
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert page.links and all(link.startswith("#") for link in page.links)  # only links inside the page
    assert "contract urn:datacontract:sales:orders 1.4.0 (active)" in page.text and "fresh within 24 h" in page.text
    assert "read by ml-features.churn-features" in page.text and "sales-data@acme.example" in page.text
