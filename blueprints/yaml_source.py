"""YAML parsing that remembers where each value came from.

Errors must name the line a domain team has to edit, so a document becomes plain data next to a `LineIndex` that
answers "which line holds this field path?". ruamel's round-trip loader (YAML 1.2, positions recorded) is the
reference; it is also pure Python, about 6 ms per contract, which made it half of a cold `dmesh validate`. So a
document is first read from libyaml's parser events (C, about ten times faster), and that reading is kept only for
the plain shapes whose meaning both agree on: mappings with string keys, sequences, quoted and block scalars, and
plain scalars that are strings, `true`/`false`, `null`, decimal integers or decimals. Anything else (an anchor, an
alias, a tag, a directive, a merge key, a duplicate key, another document, a scalar ruamel would read as anything
but those, a document too large or too deep, or any error) is read by ruamel, as before, so its values and messages
are unchanged. tests/blueprints/test_yaml_source.py holds both readings to the same data and lines.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as libyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import implicit_resolvers

from .errors import BlueprintError, Finding
from .limits import refusal

PathPart = str | int
# YAML is untrusted: a few kilobytes of nested aliases can stand for billions of values ("billion laughs"),
# and a document can nest itself. Bounds far above any real blueprint or contract, checked while expanding.
MAX_VALUES = 100_000
MAX_DEPTH = 64


class _TooLarge(Exception):
    pass


class _UnknownTag(Exception):
    def __init__(self, tag: str, path: tuple[PathPart, ...]) -> None:
        super().__init__(tag)
        self.tag, self.path = tag, path


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
    if isinstance(node, TaggedScalar):  # `!!str 5` is the string "5"; a tag of anyone else's means nothing here
        if str(node.tag) == "tag:yaml.org,2002:str":
            return str(node.value)
        raise _UnknownTag(str(node.tag), path)
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


def _not_a_string() -> dict[str, list[re.Pattern[str]]]:
    """Plain scalars ruamel (YAML 1.2) reads as something other than a string, from ruamel's own table, by first
    character as ruamel looks them up."""
    table: dict[str, list[re.Pattern[str]]] = {}
    for versions, _tag, regexp, first in implicit_resolvers:
        if (1, 2) in versions:
            for char in first:
                table.setdefault(char, []).append(re.compile(regexp.pattern, regexp.flags))
    return table


_NOT_A_STRING = _not_a_string()
_C_LOADER = getattr(libyaml, "CSafeLoader", None)  # PyYAML built without libyaml has none: every document goes to ruamel
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?[0-9]+\.[0-9]+")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}


class _RoundTrip(Exception):
    """This document is ruamel's to read."""


def _plain_scalar(value: str) -> Any:
    if value in _NULLS:
        return None
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    if _DECIMAL_INT.fullmatch(value):
        if len(value) > 4000:  # beyond Python's int-from-text limit (4,300 digits): ruamel's reading names the problem
            raise _RoundTrip
        return int(value)
    if _DECIMAL.fullmatch(value):
        return float(value)
    if any(regexp.match(value) for regexp in _NOT_A_STRING.get(value[:1], ())):
        raise _RoundTrip  # 0o17, 1_000, 1e3, .inf, 2022-10-03, <<, =...: ruamel's constructors decide
    return value


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _RoundTrip
    return _plain_scalar(event.value) if not event.style else event.value


# Where libyaml (YAML 1.1) and ruamel (1.2) part: such text goes to ruamel, which decides. A match inside a quoted
# scalar merely takes the slow reading. Each case is in tests/blueprints/test_yaml_source.py's structure table.
_LIBYAML_READS_DIFFERENTLY = re.compile(
    "\t"  # where a tab may stand
    "|[\x85\u2028\u2029]"  # line breaks in YAML 1.1 only: `a: 1\x85b: 2` is two keys to libyaml, malformed to ruamel
    "|(?<=.)\ufeff"  # a byte order mark past the start, which libyaml skips
    "|[|>][-+0-9]*#"  # `|#`: a comment without the space YAML requires, which libyaml takes
    "|(?m:^\\.\\.\\.)",  # a document end marker: libyaml takes two in a row, ruamel does not
    re.DOTALL,
)


def _from_events(text: str) -> tuple[Any, dict[tuple[PathPart, ...], int]]:
    """The document and its lines from libyaml's events; `_RoundTrip` for anything outside the shapes it keeps."""
    if _C_LOADER is None or _LIBYAML_READS_DIFFERENTLY.search(text):
        raise _RoundTrip
    lines: dict[tuple[PathPart, ...], int] = {(): 1}
    # each open container: [value, path, pending key (mappings; _NO_KEY when a key is expected)]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    values = 0
    no_key = object()
    try:
        for event in libyaml.parse(text, Loader=_C_LOADER):
            kind = type(event)
            if kind is libyaml.DocumentStartEvent:
                documents += 1
                if documents > 1 or event.version is not None or event.tags:
                    raise _RoundTrip
                continue
            if kind in (libyaml.StreamStartEvent, libyaml.StreamEndEvent, libyaml.DocumentEndEvent):
                continue
            if kind in (libyaml.MappingEndEvent, libyaml.SequenceEndEvent):
                done = stack.pop()[0]
                if not stack:
                    root = done
                continue
            if kind is libyaml.AliasEvent:
                raise _RoundTrip
            line = event.start_mark.line + 1
            if stack and type(stack[-1][0]) is dict and stack[-1][2] is no_key:
                key = _scalar(event) if kind is libyaml.ScalarEvent else no_key
                if not isinstance(key, str) or key in stack[-1][0] or key == "<<":
                    raise _RoundTrip  # a complex or non-string key, a duplicate, a merge
                stack[-1][2] = key
                lines[(*stack[-1][1], key)] = line
                continue
            values += 1
            if values > MAX_VALUES or len(stack) >= MAX_DEPTH:
                raise _RoundTrip
            if stack:
                parent, parent_path, key = stack[-1]
                if type(parent) is dict:
                    path = (*parent_path, key)
                    stack[-1][2] = no_key
                else:
                    path = (*parent_path, len(parent))
                    lines[path] = line
            else:
                path = ()
            if kind is libyaml.ScalarEvent:
                if not stack and event.style in ("|", ">"):  # a block scalar at column 0 reads its `#` lines differently
                    raise _RoundTrip
                value: Any = _scalar(event)
            elif kind in (libyaml.MappingStartEvent, libyaml.SequenceStartEvent):
                if event.anchor is not None or event.tag is not None:
                    raise _RoundTrip
                value = {} if kind is libyaml.MappingStartEvent else []
            else:
                raise _RoundTrip
            if stack:
                parent = stack[-1][0]
                if type(parent) is dict:
                    parent[path[-1]] = value
                else:
                    parent.append(value)
            elif kind is libyaml.ScalarEvent:
                root = value
            if kind is not libyaml.ScalarEvent:
                stack.append([value, path, no_key])
    except libyaml.YAMLError:
        raise _RoundTrip from None
    if stack:
        raise _RoundTrip
    return root, lines


def parse_yaml(text: str, file: Path) -> SourceDocument:
    """Parse one YAML document; malformed YAML becomes a `BlueprintError` with the parser's line."""
    try:
        data, lines = _from_events(text)
        return SourceDocument(file, data, LineIndex(lines))
    except _RoundTrip:
        return _round_trip(text, file)


def _round_trip(text: str, file: Path) -> SourceDocument:
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
    except _UnknownTag as exc:
        raise BlueprintError([Finding(file, LineIndex(lines).line_of(exc.path), format_path(exc.path), f"the YAML tag {exc.tag} means nothing to the platform",
                                      "remove the tag and write the value itself")]) from None
    except _TooLarge:
        raise BlueprintError([Finding(file, 1, "", f"the document expands to more than {MAX_VALUES:,} values or {MAX_DEPTH} levels",
                                      "write the values out instead of nesting YAML aliases (&anchor / *alias)")]) from None
    return SourceDocument(file, data, LineIndex(lines))


def read_yaml(file: Path) -> SourceDocument:
    """Read and parse a YAML file; unreadable files are findings, not exceptions."""
    try:
        refused = refusal(file.stat())
        if refused is not None:
            raise BlueprintError([Finding(file, 0, "", *refused)])
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BlueprintError([Finding(file, 0, "", "file not found", "create it or fix the path")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BlueprintError([Finding(file, 0, "", f"cannot read file: {exc}", "check permissions and encoding (UTF-8)")]) from None
    if "\x00" in text:
        raise BlueprintError([Finding(file, text[: text.index("\x00")].count("\n") + 1, "", "the file contains a NUL byte",
                                      "save it as UTF-8 text")])
    return parse_yaml(text, file)
