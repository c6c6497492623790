"""Reading Open Data Contract Standard (v3) files into the columns a product exposes.

The contract is the only schema language of the mesh: Glue columns, classification and
SLA come from here. The file is checked against ODCS's own JSON Schema (shipped with
`open-data-contract-standard`) and parsed with its pydantic model.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from open_data_contract_standard.model import OpenDataContractStandard, SchemaObject, SchemaProperty
from pydantic import ValidationError

from .errors import BlueprintError, Finding
from .schema_check import SchemaCheck
from .vocabulary import CLASSIFICATIONS
from . import naming
from .spec import Column, ContractSpec, TableSpec
from .yaml_source import PathPart, SourceDocument, format_path, read_yaml

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError as ValidationError_

LOGICAL_TO_GLUE = {
    "string": "string",
    "integer": "bigint",
    "number": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "time": "string",
}
# ODCS `logicalTypeOptions.format` of integers and numbers, to the Glue type that holds them (unsigned ones need
# the next width up; 128-bit values only fit a decimal)
FORMAT_TO_GLUE = {
    "i8": "tinyint", "i16": "smallint", "i32": "int", "i64": "bigint", "i128": "decimal(38,0)",
    "u8": "smallint", "u16": "int", "u32": "bigint", "u64": "decimal(20,0)", "u128": "decimal(38,0)",
    "f32": "float", "f64": "double",
}
VECTOR_ELEMENT_TO_GLUE = {"bfloat16": "float", "float16": "float", "float32": "float", "float64": "double", "int8": "tinyint",
                          "uint8": "smallint", "binary": "boolean"}
GLUE_PRIMITIVE = re.compile(
    r"^(string|boolean|tinyint|smallint|int|bigint|float|double|date|timestamp|binary|"
    r"decimal\([0-9]{1,2},\s*[0-9]{1,2}\)|varchar\([0-9]+\)|char\([0-9]+\))$"
)
# Hive/Glue bounds of the parameterised types: decimal(precision 1-38, scale <= precision), varchar(1-65535), char(1-255)
PARAMETERISED = re.compile(r"^(decimal)\(([0-9]+),\s*([0-9]+)\)$|^(varchar|char)\(([0-9]+)\)$")
# a column or struct field name Glue, Athena and the `struct<name:type>` syntax all take unquoted
COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")


def _type_bounds_problem(physical: str) -> str | None:
    match = PARAMETERISED.fullmatch(physical)
    if not match:
        return None
    if match.group(1):
        precision, scale = int(match.group(2)), int(match.group(3))
        if not 1 <= precision <= 38 or scale > precision:
            return f"{physical} is outside Glue's bounds: precision 1-38 and a scale no larger than the precision"
    else:
        length, limit = int(match.group(5)), 65535 if match.group(4) == "varchar" else 255
        if not 1 <= length <= limit:
            return f"{physical} is outside Glue's bounds: a length of 1-{limit}"
    return None


def _relevant_errors(errors: list[ValidationError_]) -> list[ValidationError_]:
    """The errors a contract's author can act on, not the schema's bookkeeping.

    A failed `oneOf`/`anyOf` is replaced by its most relevant branch (jsonschema's `best_match`) unless a more
    specific error already stands at that place; an "unevaluated properties" error caused by a deeper error in
    the same object is dropped; what is left is reported once.
    """
    if not errors:
        return []
    from jsonschema.exceptions import best_match  # loaded with the errors (schema_check.py)

    paths = [tuple(e.absolute_path) for e in errors]
    chosen = []
    for error, path in zip(errors, paths):
        others = [p for e, p in zip(errors, paths) if e is not error]
        if error.context:
            if any(p[: len(path)] == path and not e.context for e, p in zip(errors, paths) if e is not error):
                continue
            error = best_match(error.context)
        elif error.validator == "unevaluatedProperties" and any(len(p) > len(path) and p[: len(path)] == path for p in others):
            continue
        chosen.append(error)
    seen, unique = set(), []
    for error in chosen:
        key = (tuple(error.absolute_path), error.message)
        if key not in seen:
            seen.add(key)
            unique.append(error)
    return unique


@cache
def _validator() -> SchemaCheck:
    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text(encoding="utf-8")
    return SchemaCheck(json.loads(text))


def _glue_type(prop: SchemaProperty, where: tuple[PathPart, ...], findings: list[Finding], doc: SourceDocument) -> str:
    physical = (prop.physicalType or "").strip().lower()
    if physical and GLUE_PRIMITIVE.fullmatch(physical):
        problem = _type_bounds_problem(physical.replace(" ", ""))
        if problem:
            findings.append(Finding(doc.file, doc.index.line_of((*where, "physicalType")), format_path((*where, "physicalType")), problem,
                                    "use a type Glue can store, e.g. decimal(38,2)"))
        return physical.replace(" ", "")
    logical = (prop.logicalType or "").strip().lower()
    options = prop.logicalTypeOptions if isinstance(prop.logicalTypeOptions, dict) else {}
    if logical in ("integer", "number") and str(options.get("format", "")) in FORMAT_TO_GLUE:
        return FORMAT_TO_GLUE[str(options["format"])]
    if logical in LOGICAL_TO_GLUE:
        return LOGICAL_TO_GLUE[logical]
    if logical == "vector":
        return f"array<{VECTOR_ELEMENT_TO_GLUE.get(str(options.get('elementType', 'float32')), 'float')}>"
    if logical == "array" and prop.items is not None:
        return f"array<{_glue_type(prop.items, (*where, 'items'), findings, doc)}>"
    if logical == "object" and prop.properties:
        _check_names(prop.properties, (*where, "properties"), findings, doc)
        fields = [
            f"{child.name}:{_glue_type(child, (*where, 'properties', i), findings, doc)}"
            for i, child in enumerate(prop.properties)
        ]
        return f"struct<{','.join(fields)}>"
    if logical in ("array", "object"):
        part = "items" if logical == "array" else "properties"
        findings.append(Finding(doc.file, doc.index.line_of(where), format_path(where),
                                f"an {logical} column needs `{part}` that say what it holds",
                                "add items: {logicalType: string} (or the elements' type)" if logical == "array"
                                else "add properties: with a name and logicalType for each field"))
        return "string"
    if physical:
        message = f"physicalType {prop.physicalType!r} is not a Glue type, and logicalType {prop.logicalType!r} does not give one"
    else:
        message = f"cannot derive a column type from logicalType {prop.logicalType!r}"
    findings.append(
        Finding(doc.file, doc.index.line_of(where), format_path(where), message,
                f"use a logicalType among {sorted(LOGICAL_TO_GLUE) + ['array', 'object']} or a Glue physicalType")
    )
    return "string"


def _check_names(props: list[SchemaProperty], where: tuple[PathPart, ...], findings: list[Finding], doc: SourceDocument) -> None:
    """Column and struct field names Glue can hold, each once (Glue folds case, so `Id` and `id` collide)."""
    seen: dict[str, int] = {}
    for i, prop in enumerate(props):
        name = prop.physicalName or prop.name
        if not name:
            continue
        at = (*where, i, "physicalName" if prop.physicalName else "name")
        if not COLUMN_NAME.fullmatch(name):
            findings.append(Finding(doc.file, doc.index.line_of(at), format_path(at), f"column name {name!r} is not one Glue can hold",
                                    "letters, digits and '_', starting with a letter or '_', at most 255 characters"))
        if name.lower() in seen:
            findings.append(Finding(doc.file, doc.index.line_of(at), format_path(at), f"duplicate column name {name!r}",
                                    f"already used by {format_path((*where, seen[name.lower()]))} (Glue ignores case)"))
        seen.setdefault(name.lower(), i)


LABELS_FILE = "classification-labels.yaml"


@cache
def classification_labels() -> dict[str, str]:
    """The organisation's classification words (lower-cased) and the mesh level each means (package data, platform-owned)."""
    source = read_yaml(Path(str(resources.files("blueprints") / LABELS_FILE)))
    labels = {str(k).lower(): str(v) for k, v in ((source.data or {}).get("labels") or {}).items()}
    wrong = {k: v for k, v in labels.items() if v not in CLASSIFICATIONS}
    if wrong:
        raise BlueprintError([Finding(source.file, 1, "labels", f"labels mapped to no mesh level: {wrong}", f"map each to one of {', '.join(CLASSIFICATIONS)}")])
    return labels


def _highest_classification(prop: SchemaProperty, where: tuple[PathPart, ...], findings: list[Finding], doc: SourceDocument) -> str | None:
    """The most sensitive classification in a property and everything nested in it (a struct's or an array's fields)."""
    found = []
    if prop.classification is not None:
        labels = classification_labels()
        level = labels.get(prop.classification.strip().lower())
        if level is not None:
            found.append(level)
        else:
            findings.append(Finding(doc.file, doc.index.line_of((*where, "classification")), format_path((*where, "classification")),
                                    f"unknown classification {prop.classification!r}",
                                    f"use one of {', '.join(sorted(labels))}, or ask the platform team to map it in blueprints/{LABELS_FILE}"))
    nested = [((*where, "properties", i), child) for i, child in enumerate(prop.properties or [])]
    if prop.items is not None:
        nested.append(((*where, "items"), prop.items))
    for child_where, child in nested:
        level = _highest_classification(child, child_where, findings, doc)
        if level is not None:
            found.append(level)
    return max(found, key=CLASSIFICATIONS.index) if found else None


# a schema object that becomes a table: lower-cased, its name is a key prefix and ('-' as '_') a Glue table name
TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def _pick_tables(model: OpenDataContractStandard, wanted: tuple[str, ...] | None, doc: SourceDocument,
                 findings: list[Finding]) -> list[tuple[int, SchemaObject]]:
    """Every schema object of the contract, or the ones the blueprint lists, in the contract's order."""
    objects = model.schema_ or []
    if not objects:
        findings.append(Finding(doc.file, 1, "schema", "the contract defines no schema object", "add `schema:` with one object and its properties"))
        return []
    names = [o.name or "" for o in objects]
    if wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            findings.append(Finding(doc.file, doc.index.line_of(("schema",)), "schema",
                                    f"the blueprint lists tables {missing} that the contract does not define (its schema objects: {names})",
                                    "list schema object names under the product's `tables:`, or add the objects"))
        picked = [(i, o) for i, o in enumerate(objects) if o.name in wanted]
    else:
        picked = list(enumerate(objects))
    if len(picked) > 1:
        seen: set[str] = set()
        for i, obj in picked:
            where = ("schema", i, "name")
            if not TABLE_NAME.fullmatch(obj.name or ""):
                findings.append(Finding(doc.file, doc.index.line_of(where), format_path(where),
                                        f"schema object name {obj.name!r} cannot name a table of a multi-table product",
                                        "use letters, digits, '_' and '-', starting with a letter (at most 64)"))
            elif obj.name.lower().replace("-", "_") in seen:
                findings.append(Finding(doc.file, doc.index.line_of(where), format_path(where),
                                        f"schema object name {obj.name!r} gives the same table as another object", "give each object its own name"))
            seen.add((obj.name or "").lower().replace("-", "_"))
    return picked


def _partition_keys(props: list[tuple[int, SchemaProperty, Column]], where: tuple[PathPart, ...], findings: list[Finding],
                    doc: SourceDocument) -> tuple[list[Column], list[Column]]:
    """(columns, partition keys): `partitioned` properties become Glue partition keys, in `partitionKeyPosition` order."""
    keys = [(i, p, c) for i, p, c in props if p.partitioned]
    for i, _, column in keys:
        if column.glue_type.startswith(("array<", "struct<", "map<")):
            at = (*where, i, "partitioned")
            findings.append(Finding(doc.file, doc.index.line_of(at), format_path(at),
                                    f"partition key {column.name!r} is a {column.glue_type.split('<')[0]}; a partition value is one scalar",
                                    "partition by a string, number, date or timestamp column"))
    ordered = sorted(keys, key=lambda k: (k[1].partitionKeyPosition is None, k[1].partitionKeyPosition or 0, k[0]))
    return [c for _, p, c in props if not p.partitioned], [c for _, _, c in ordered]


def load_contract(file: Path, product: str, tables: tuple[str, ...] | None = None) -> ContractSpec:
    """Load and check a product's contract; every problem is reported with its line."""
    doc = read_yaml(file)
    findings: list[Finding] = []
    if not isinstance(doc.data, dict):
        raise BlueprintError([Finding(file, 1, "", "an ODCS contract must be a mapping", "start from the template in contracts/")])
    for error in _relevant_errors(_validator().errors(doc.data)):
        where = tuple(error.absolute_path)
        findings.append(Finding(file, doc.index.line_of(where), format_path(where), error.message, "see the ODCS v3 reference"))
    api = str(doc.data.get("apiVersion", ""))
    if api and not api.startswith("v3."):
        findings.append(Finding(file, doc.index.line_of(("apiVersion",)), "apiVersion", f"{api} is not ODCS v3", "use apiVersion: v3.0.2 or later"))
    if findings:
        raise BlueprintError(findings)
    try:
        model = OpenDataContractStandard.model_validate(doc.data)
    except ValidationError as exc:
        raise BlueprintError(
            [Finding(file, doc.index.line_of(tuple(e["loc"])), format_path(tuple(e["loc"])), e["msg"], "see the ODCS v3 reference") for e in exc.errors()]
        ) from None
    picked = _pick_tables(model, tables, doc, findings)
    layout = naming.product_tables(product, [(o.name or "").lower() for _, o in picked]) if picked else []
    specs: list[TableSpec] = []
    for (index, obj), (glue_name, prefix) in zip(picked, layout):
        if not obj.properties:
            findings.append(Finding(file, doc.index.line_of(("schema", index)), format_path(("schema", index)), "the schema object has no properties", "list the product's columns under `properties:`"))
        _check_names(obj.properties or [], ("schema", index, "properties"), findings, doc)
        built: list[tuple[int, SchemaProperty, Column]] = []
        for i, prop in enumerate(obj.properties or []):
            where: tuple[PathPart, ...] = ("schema", index, "properties", i)
            classification = _highest_classification(prop, where, findings, doc)
            if not prop.name:
                findings.append(Finding(file, doc.index.line_of(where), format_path(where), "a property needs a name", "add `name:`"))
                continue
            built.append((i, prop, Column(prop.physicalName or prop.name, _glue_type(prop, where, findings, doc), prop.description or "", classification,
                                          bool(prop.required), doc.index.line_of((*where, "classification")))))
        columns, keys = _partition_keys(built, ("schema", index, "properties"), findings, doc)
        specs.append(TableSpec(obj.name or product, glue_name, prefix, tuple(columns), tuple(keys), doc.index.line_of(("schema", index))))
    if findings:
        raise BlueprintError(findings)
    return ContractSpec(file, model.id or "", model.name or product, model.version or "", model.status or "", tuple(specs))
