"""Split a review across CI jobs: `dmesh preview --shard I/N` reviews the I-th of N balanced, deterministic parts.

Every job computes the same split from the same files: projects are weighed by the resources their blueprint
will create (a project without a blueprint weighs as one small domain), then handed out heaviest first to the
lightest shard so far, ties broken by name. `dmesh report merge` puts the parts' JSON reports back together.
"""

from __future__ import annotations

import re
from pathlib import Path

from blueprints import DOMAIN_FILE
from blueprints.limits import MAX_BYTES

# resources per part, as the components create them (counted on the example mesh's goldens)
DOMAIN_BASE, PER_PRODUCT, PER_S3, PER_KINESIS, PER_PIPELINE = 22, 4, 11, 4, 3
SHARD = re.compile(r"^([0-9]+)/([0-9]+)$")  # ASCII digits: int() also reads "١/٢", no CI matrix writes


def parse(text: str) -> tuple[int, int]:
    """`I/N` (1 <= I <= N) as (I, N); ValueError with what is wrong otherwise."""
    match = SHARD.fullmatch(text.strip())
    if not match:
        raise ValueError(f"--shard {text!r} is not I/N (e.g. 1/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count or count > 1000:
        raise ValueError(f"--shard {text!r}: I must be between 1 and N (N at most 1000)")
    return index, count


def weight(folder: Path) -> int:
    """The resources a project will register, estimated from its blueprint's text (no validation: a cheap, stable count)."""
    blueprint = folder / DOMAIN_FILE
    if not blueprint.is_file():
        return DOMAIN_BASE
    with blueprint.open("rb") as handle:  # no more than validation would read: a larger file is refused there anyway
        text = handle.read(MAX_BYTES + 1).decode("utf-8", errors="replace")
    products = len(re.findall(r"^\s*-\s+name:", text, re.MULTILINE)) or 1
    kinesis = text.count("type: kinesis")
    s3 = max(products - kinesis, 0) + text.count("type: s3") // 2
    return DOMAIN_BASE + products * PER_PRODUCT + s3 * PER_S3 + kinesis * PER_KINESIS + text.count("image:") * PER_PIPELINE


def split(folders: list[Path], count: int) -> list[list[Path]]:
    """`count` parts of `folders`, balanced by weight; each part in name order."""
    loads = [0] * count
    parts: list[list[Path]] = [[] for _ in range(count)]
    weights = {folder: weight(folder) for folder in folders}
    for folder in sorted(folders, key=lambda f: (-weights[f], f.name)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        parts[lightest].append(folder)
        loads[lightest] += weights[folder]
    return [sorted(p, key=lambda f: f.name) for p in parts]
