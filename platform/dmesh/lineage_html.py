"""`dmesh lineage --format html`: one self-contained page (no script, style or font from the network) with the
graph drawn as inline SVG and, for each product, its contract, SLA and owners.

The layout is computed here: each product's column is the length of the longest path that reaches it, so data
flows left to right; rows keep the products of a column in name order.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from blueprints import DomainSpec, ProductRef

from .lineage import Graph

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 220, 54, 90, 24, 20
COLOURS = {"public": "#e6f4ea", "internal": "#e8f0fe", "confidential": "#fef7e0", "restricted": "#fce8e6"}
STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#202124}h1{font-size:1.4em}
section{border:1px solid #dadce0;border-radius:6px;padding:.6em 1em;margin:.8em 0}h2{font-size:1.1em;margin:.2em 0}
table{border-collapse:collapse}td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left;font-size:.9em}
svg text{font-size:12px;font-family:system-ui,sans-serif}.small{color:#5f6368;font-size:.9em}"""


def _columns(graph: Graph) -> dict[ProductRef, int]:
    column = {n.ref: 0 for n in graph.nodes}
    for _ in range(len(graph.nodes)):  # longest path, relaxed as often as there are nodes (the mesh has no cycles)
        changed = False
        for e in graph.edges:
            if e.upstream in column and e.downstream in column and column[e.downstream] < column[e.upstream] + 1:
                column[e.downstream], changed = column[e.upstream] + 1, True
        if not changed:
            break
    return column


def _svg(graph: Graph) -> str:
    column = _columns(graph)
    rows: dict[int, list[ProductRef]] = {}
    for n in graph.nodes:
        rows.setdefault(column[n.ref], []).append(n.ref)
    place = {ref: (MARGIN + c * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y)) for c, refs in rows.items() for r, ref in enumerate(sorted(refs, key=str))}
    width = MARGIN * 2 + (max(rows, default=0) + 1) * (BOX_W + GAP_X) - GAP_X
    height = MARGIN * 2 + max((len(r) for r in rows.values()), default=1) * (BOX_H + GAP_Y) - GAP_Y
    parts = [f'<svg role="img" aria-label="lineage" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto">'
             '<path d="M0,0 L10,5 L0,10 z" fill="#5f6368"/></marker></defs>']
    for e in graph.edges:
        if e.upstream not in place or e.downstream not in place:
            continue
        (x1, y1), (x2, y2) = place[e.upstream], place[e.downstream]
        a, b = (x1 + BOX_W, y1 + BOX_H / 2), (x2, y2 + BOX_H / 2)
        parts.append(f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" stroke="#5f6368" marker-end="url(#arrow)"/>'
                     f'<text x="{(a[0] + b[0]) / 2}" y="{(a[1] + b[1]) / 2 - 4}" text-anchor="middle">{escape(e.ports)}</text>')
    for n in graph.nodes:
        x, y = place[n.ref]
        parts.append(f'<a href="#{escape(str(n.ref))}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
                     f'fill="{COLOURS.get(n.classification, "#fff")}" stroke="#5f6368"/>'
                     f'<text x="{x + 8}" y="{y + 20}" font-weight="bold">{escape(str(n.ref))}</text>'
                     f'<text x="{x + 8}" y="{y + 40}">{escape(n.classification)} · {escape(n.owner)}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(graph: Graph, domains: Mapping[str, DomainSpec], title: str = "Data mesh lineage") -> str:
    sections = []
    for n in graph.nodes:
        spec = domains[n.ref.domain]
        product = spec.product(n.ref.product)
        if product is None:
            continue
        contract = product.contract
        reads = [str(e.upstream) for e in graph.edges if e.downstream == n.ref]
        read_by = [str(e.downstream) for e in graph.edges if e.upstream == n.ref]
        tables = "".join(f"<tr><td>{escape(t.glue_name)}</td><td>{escape(', '.join(f'{c.name} {c.glue_type}' for c in (*t.columns, *t.partition_keys)))}</td></tr>"
                         for t in contract.tables)
        sla = ", ".join(x for x in (f"fresh within {product.sla.freshness_hours} h" if product.sla.freshness_hours else "",
                                    f"{product.sla.availability:g}% available" if product.sla.availability else "") if x) or "none"
        sections.append(
            f'<section id="{escape(str(n.ref))}"><h2>{escape(str(n.ref))}</h2>'
            f'<p>{escape(product.description)}</p>'
            f'<p class="small">classification <b>{escape(product.classification)}</b> · owner {escape(spec.owner)} · cost center '
            f'{escape(spec.cost_center)} · SLA {escape(sla)}</p>'
            f'<p class="small">contract {escape(contract.id)} {escape(contract.version)} ({escape(contract.status)}) · reads '
            f'{escape(", ".join(reads) or "nothing")} · read by {escape(", ".join(read_by) or "nobody")}</p>'
            f'<table><tr><th>table</th><th>columns</th></tr>{tables}</table></section>')
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>'
            f'<body><h1>{escape(title)}</h1>{_svg(graph)}{"".join(sections)}</body></html>\n')
