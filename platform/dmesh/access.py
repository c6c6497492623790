"""`dmesh access request|revoke|list`: cross-domain access as a reviewed change of both blueprints.

A request adds the consumer's domain to the producer product's `grants` (with the reason as a comment beside it)
and the producer product to the consumer product's `inputs`. The files are edited where ruamel.yaml's round-trip
parser locates the values, line by line, because dumping the whole document again rewrites flow mappings such as
`[{domain: sales}]`. The edited mesh is validated in a temporary copy first: a request that breaks a rule is refused
with the rule's message and nothing is written; otherwise both files are replaced atomically and the unified diff is
printed for the pull request the producer's owners review.
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from blueprints import DomainSpec, ProductRef, load_mesh

from .atomic import replace_text


class AccessError(Exception):
    """A request that cannot be made (unknown product, a file written in a shape this tool does not edit)."""


@dataclass(frozen=True)
class Edit:
    file: Path
    before: str
    after: str

    def diff(self, root: Path) -> str:
        name = str(self.file.relative_to(root.parent)) if self.file.is_relative_to(root.parent) else str(self.file)
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"a/{name}", f"b/{name}"))


def _load(text: str) -> Any:
    return YAML(typ="rt").load(text)


def _product_node(text: str, product: str, file: Path) -> tuple[Any, int]:
    data = _load(text)
    products = data["spec"]["dataProducts"]
    for index, node in enumerate(products):
        if node.get("name") == product:
            return node, index
    raise AccessError(f"{file}: no product {product!r}")


def _comment_of(line: str) -> str:
    """The trailing comment of a line (with its leading spaces), when the line has one outside quotes."""
    match = re.search(r"\s+#.*$", line)
    return match.group(0) if match and line[: match.start()].count('"') % 2 == 0 and line[: match.start()].count("'") % 2 == 0 else ""


def _product_end(lines: list[str], start: int, indent: int) -> int:
    """Index after the last line of the product item that starts at `start` (its keys are indented by `indent`)."""
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        if stripped and not stripped.startswith("#") and len(lines[end]) - len(lines[end].lstrip()) < indent:
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _add_item(text: str, file: Path, product: str, key: str, item: str, comment: str = "") -> str:
    """`text` with `item` (YAML of one sequence item) added to the product's `key` sequence."""
    node, _ = _product_node(text, product, file)
    lines = text.splitlines(keepends=True)
    suffix = f"  # {comment}" if comment else ""
    indent = node.lc.key("name")[1]
    if key not in node:
        end = _product_end(lines, node.lc.line, indent)
        lines.insert(end, f"{' ' * indent}{key}:\n{' ' * (indent + 2)}- {item}{suffix}\n")
        return "".join(lines)
    line_no, column = node.lc.value(key)
    value = node[key]
    if getattr(value, "fa", None) is not None and value.fa.flow_style():
        line = lines[line_no]
        body_end = len(line) - len(_comment_of(line.rstrip("\n"))) - (1 if line.endswith("\n") else 0)
        body = line[:body_end].rstrip()
        if not body.endswith("]") or line.count("[") != 1:
            raise AccessError(f"{file}:{line_no + 1}: {key} spans several lines; add {item} by hand")
        if comment:  # the reason goes beside the new item: the list becomes a block, one item per line
            items = [f"{' ' * (indent + 2)}- {_flow(v)}" for v in value]
            lines[line_no] = (f"{' ' * indent}{key}:{_comment_of(line.rstrip(chr(10)))}\n" + "".join(f"{i}\n" for i in items)
                              + f"{' ' * (indent + 2)}- {item}{suffix}\n")
        else:
            inner = body[body.index("[") + 1:-1].strip()
            lines[line_no] = f"{body[: body.index('[') + 1]}{inner + ', ' if inner else ''}{item}]{line[body_end:]}"
        return "".join(lines)
    last = max(value.lc.data[i][0] for i in range(len(value)))
    item_indent = value.lc.data[0][1] - 2
    lines.insert(last + 1, f"{' ' * item_indent}- {item}{suffix}\n")
    return "".join(lines)


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _remove_item(text: str, file: Path, product: str, key: str, matches: Callable[[Any], bool]) -> str:
    node, _ = _product_node(text, product, file)
    if key not in node:
        return text
    value = node[key]
    keep = [v for v in value if not matches(v)]
    if len(keep) == len(value):
        return text
    lines = text.splitlines(keepends=True)
    line_no, _ = node.lc.value(key)
    indent = node.lc.key(key)[1]
    if getattr(value, "fa", None) is not None and value.fa.flow_style():
        line = lines[line_no]
        if line.count("[") != 1:
            raise AccessError(f"{file}:{line_no + 1}: {key} spans several lines; edit it by hand")
        comment = _comment_of(line.rstrip("\n"))
        lines[line_no] = (f"{' ' * indent}{key}: [{', '.join(_flow(v) for v in keep)}]{comment}\n" if keep else "")
        return "".join(lines)
    doomed = sorted((value.lc.data[i][0] for i, v in enumerate(value) if matches(v)), reverse=True)
    for number in doomed:
        del lines[number]
    if not keep:
        del lines[node.lc.key(key)[0]]
    return "".join(lines)


def _grant_matches(domain: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, Mapping) and v.get("domain") == domain


def plan_request(domains: Mapping[str, DomainSpec], consumer: ProductRef, producer: ProductRef, reason: str) -> list[Edit]:
    consumer_spec, producer_spec = _check(domains, consumer, producer)
    edits: dict[Path, str] = {}
    if producer.domain != consumer.domain and consumer.domain not in producer_spec.product(producer.product).grants:  # type: ignore[union-attr]
        text = producer_spec.file.read_text(encoding="utf-8")
        edits[producer_spec.file] = _add_item(text, producer_spec.file, producer.product, "grants", f"{{domain: {consumer.domain}}}",
                                              _one_line(reason))
    if producer not in consumer_spec.product(consumer.product).inputs:  # type: ignore[union-attr]
        text = edits.get(consumer_spec.file) or consumer_spec.file.read_text(encoding="utf-8")
        edits[consumer_spec.file] = _add_item(text, consumer_spec.file, consumer.product, "inputs", str(producer))
    return [Edit(f, f.read_text(encoding="utf-8"), t) for f, t in edits.items()]


def plan_revoke(domains: Mapping[str, DomainSpec], consumer: ProductRef, producer: ProductRef) -> list[Edit]:
    consumer_spec, producer_spec = _check(domains, consumer, producer)
    edits: dict[Path, str] = {}
    text = consumer_spec.file.read_text(encoding="utf-8")
    edits[consumer_spec.file] = _remove_item(text, consumer_spec.file, consumer.product, "inputs", lambda v: str(v) == str(producer))
    still_read = [p for p in consumer_spec.products if p.name != consumer.product and producer in p.inputs]
    if producer.domain != consumer.domain and not still_read:
        text = edits.get(producer_spec.file) or producer_spec.file.read_text(encoding="utf-8")
        edits[producer_spec.file] = _remove_item(text, producer_spec.file, producer.product, "grants", _grant_matches(consumer.domain))
    return [Edit(f, f.read_text(encoding="utf-8"), t) for f, t in edits.items() if t != f.read_text(encoding="utf-8")]


def _one_line(reason: str) -> str:
    return " ".join(reason.split())[:200]


def _check(domains: Mapping[str, DomainSpec], consumer: ProductRef, producer: ProductRef) -> tuple[DomainSpec, DomainSpec]:
    for ref in (consumer, producer):
        spec = domains.get(ref.domain)
        if spec is None or spec.product(ref.product) is None:
            raise AccessError(f"no product {ref} in the mesh (`dmesh catalog list` shows them)")
    if consumer == producer:
        raise AccessError(f"{consumer} cannot read itself")
    return domains[consumer.domain], domains[producer.domain]


def validate_edits(root: Path, edits: list[Edit], levels: Mapping[str, str]) -> list[str]:
    """The findings the edited mesh has and the current one has not (checked in a temporary copy)."""
    before = {f.render(root) for f in load_mesh(root, levels).findings}
    with tempfile.TemporaryDirectory(prefix="dmesh-access-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", "__pycache__"))
        for edit in edits:
            (copy / edit.file.relative_to(root)).write_text(edit.after, encoding="utf-8")
        after = [f.render(copy) for f in load_mesh(copy, levels).findings]
    return [f for f in after if f not in before]


def write(edits: list[Edit]) -> None:
    changed = [e.file for e in edits if e.file.read_text(encoding="utf-8") != e.before]
    if changed:
        raise AccessError(f"{', '.join(map(str, changed))} changed meanwhile; nothing was written, run it again")
    for edit in edits:
        replace_text(edit.file, edit.after)


def grant_matrix(domains: Mapping[str, DomainSpec]) -> list[dict[str, Any]]:
    """Per product: the domains it grants, and the products that read it."""
    rows = []
    for spec in sorted(domains.values(), key=lambda d: d.name):
        for product in spec.products:
            ref = ProductRef(spec.name, product.name)
            readers = sorted(f"{d.name}.{p.name}" for d in domains.values() for p in d.products if ref in p.inputs)
            rows.append({"product": str(ref), "classification": product.classification, "grants": sorted(product.grants), "readBy": readers})
    return rows

