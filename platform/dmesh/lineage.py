"""`dmesh lineage`: where a product's data comes from and where it goes, over the whole mesh.

Read from the blueprints only (inputs name their upstream products), so it works offline and in review.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from blueprints import DomainSpec, ProductRef


@dataclass(frozen=True)
class Node:
    ref: ProductRef
    classification: str
    owner: str


@dataclass(frozen=True)
class Edge:
    upstream: ProductRef
    downstream: ProductRef
    ports: str  # what the downstream product reads: the upstream's ports (s3, kinesis)


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def mesh_graph(domains: Mapping[str, DomainSpec]) -> Graph:
    nodes, edges = {}, []
    for spec in domains.values():
        for product in spec.products:
            ref = ProductRef(spec.name, product.name)
            nodes[ref] = Node(ref, product.classification, spec.owner)
            for upstream in product.inputs:
                producer = domains.get(upstream.domain)
                source = producer.product(upstream.product) if producer else None
                ports = "+".join(p for p, on in (("s3", source and source.s3), ("kinesis", source and source.kinesis)) if on) or "?"
                edges.append(Edge(upstream, ref, ports))
    return Graph(tuple(sorted(nodes.values(), key=lambda n: str(n.ref))), tuple(sorted(edges, key=lambda e: (str(e.upstream), str(e.downstream)))))


def around(graph: Graph, focus: ProductRef, upstream: bool, downstream: bool, depth: int | None) -> Graph:
    """The part of the graph reachable from `focus` against the flow (upstream), with it (downstream), or both."""
    keep = {focus}
    for direction, wanted in ((True, upstream), (False, downstream)):
        if not wanted:
            continue
        frontier, level = {focus}, 0
        while frontier and (depth is None or level < depth):
            step = {e.upstream if direction else e.downstream for e in graph.edges
                    if (e.downstream if direction else e.upstream) in frontier} - keep
            keep |= step
            frontier, level = step, level + 1
    return Graph(tuple(n for n in graph.nodes if n.ref in keep),
                 tuple(e for e in graph.edges if e.upstream in keep and e.downstream in keep))


def _id(ref: ProductRef) -> str:
    """An identifier Mermaid and Graphviz take as is; one per product (names hold only [a-z0-9-], `.` joins them)."""
    return "p_" + ref.domain.replace("-", "_") + "__" + ref.product.replace("-", "_")


def render_mermaid(graph: Graph) -> str:
    lines = ["flowchart LR"]
    for n in graph.nodes:
        lines.append(f'  {_id(n.ref)}["{n.ref}<br/>{n.classification} · {n.owner}"]')
    for e in graph.edges:
        lines.append(f"  {_id(e.upstream)} -->|{e.ports}| {_id(e.downstream)}")
    return "\n".join(lines) + "\n"


def render_dot(graph: Graph) -> str:
    lines = ["digraph lineage {", "  rankdir=LR;", "  node [shape=box];"]
    for n in graph.nodes:
        label = "\n".join((str(n.ref), n.classification, n.owner))
        lines.append(f"  {_id(n.ref)} [label={json.dumps(label)}];")
    for e in graph.edges:
        lines.append(f"  {_id(e.upstream)} -> {_id(e.downstream)} [label={json.dumps(e.ports)}];")
    return "\n".join(lines + ["}"]) + "\n"


def render_json(graph: Graph) -> str:
    return json.dumps({
        "nodes": [{"id": str(n.ref), "domain": n.ref.domain, "product": n.ref.product, "classification": n.classification, "owner": n.owner}
                  for n in graph.nodes],
        "edges": [{"from": str(e.upstream), "to": str(e.downstream), "ports": e.ports} for e in graph.edges],
    }, indent=2) + "\n"
