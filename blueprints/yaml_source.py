"""YAML parsing that remembers where each value came from.

Errors must name the line a domain team has to edit, so documents are parsed with
ruamel's round-trip loader (which records positions) and converted to plain data
next to a `LineIndex` that answers "which line holds this field path?".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.error import YAMLError

from .errors import BlueprintError, Finding

PathPart = str | int
# YAML is untrusted: a few kilobytes of nested aliases can stand for billions of values ("billion laughs"),
# and a document can nest itself. Bounds far above any real blueprint or contract, checked while expanding.
MAX_BYTES = 1024 * 1024
MAX_VALUES = 100_000
MAX_DEPTH = 64


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class LineIndex:
    """Maps field paths (tuples of keys and indexes) to 1-based line numbers."""

    lines: dict[tuple[PathPart, ...], int] = field(default_factory=dict)

    def line_of(self, path: tuple[PathPart, ...]) -> int:
        """Line of the deepest known ancestor of `path` (a missing field points at its parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


@dataclass(frozen=True)
class SourceDocument:
    file: Path
    data: Any
    index: LineIndex


def format_path(path: tuple[PathPart, ...]) -> str:
    """`("spec", "dataProducts", 0, "name")` -> `spec.dataProducts[0].name`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _plain(node: Any, path: tuple[PathPart, ...], lines: dict[tuple[PathPart, ...], int], budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or len(path) > MAX_DEPTH:
        raise _TooLarge
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*path, key if isinstance(key, (str, int)) else str(key))
            try:
                lines[child] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            result[key] = _plain(value, child, lines, budget)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            child = (*path, i)
            try:
                lines[child] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            items.append(_plain(value, child, lines, budget))
        return items
    if isinstance(node, str):
        return str(node)
    # ruamel's ScalarFloat, ScalarInt, HexInt, ScalarBoolean... become the plain types every consumer expects
    if isinstance(node, ScalarBoolean) or isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (datetime.date, datetime.datetime)):
        # YAML reads `2022-10-03` as a date; the documents' schemas (ODCS's JSON Schema) expect the string
        return node.isoformat()
    return node


def parse_yaml(text: str, file: Path) -> SourceDocument:
    """Parse one YAML document; malformed YAML becomes a `BlueprintError` with the parser's line."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BlueprintError(
            [Finding(file, line, "", f"malformed YAML: {problem}", "check indentation, quotes and colons")]
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:  # ruamel rejects some scalars late
        raise BlueprintError([Finding(file, 1, "", f"malformed YAML: {exc}", "check the document syntax")]) from None
    lines: dict[tuple[PathPart, ...], int] = {(): 1}
    try:
        data = _plain(node, (), lines, [MAX_VALUES])
    except _TooLarge:
        raise BlueprintError([Finding(file, 1, "", f"the document expands to more than {MAX_VALUES:,} values or {MAX_DEPTH} levels",
                                      "write the values out instead of nesting YAML aliases (&anchor / *alias)")]) from None
    return SourceDocument(file, data, LineIndex(lines))


def read_yaml(file: Path) -> SourceDocument:
    """Read and parse a YAML file; unreadable files are findings, not exceptions."""
    try:
        if file.stat().st_size > MAX_BYTES:
            raise BlueprintError([Finding(file, 0, "", f"the file is larger than {MAX_BYTES // 1024} KiB", "a blueprint or contract is far smaller")])
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError([Finding(file, 0, "", "file not found", "create it or fix the path")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BlueprintError([Finding(file, 0, "", f"cannot read file: {exc}", "check permissions and encoding (UTF-8)")]) from None
    if "\x00" in text:
        raise BlueprintError([Finding(file, text[: text.index("\x00")].count("\n") + 1, "", "the file contains a NUL byte",
                                      "save it as UTF-8 text")])
    return parse_yaml(text, file)
