"""Golden-path presets: the platform team's versioned defaults for a kind of domain."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from .errors import Finding, PresetError
from .models import Preset
from .yaml_source import format_path, read_yaml

PRESETS_DIR = Path(str(files("blueprints") / "presets"))  # package data


def load_presets(directory: Path = PRESETS_DIR) -> dict[str, Preset]:
    """All presets by reference (`batch@1`); a broken preset is a platform bug, reported like any blueprint error."""
    presets: dict[str, Preset] = {}
    findings: list[Finding] = []
    for file in sorted(directory.glob("*@*.yaml")):
        doc = read_yaml(file)
        try:
            preset = Preset.model_validate(doc.data)
        except ValidationError as exc:
            findings += [Finding(file, doc.index.line_of(tuple(e["loc"])), format_path(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
            continue
        ref = f"{preset.name}@{preset.version}"
        if ref != file.stem:
            findings.append(Finding(file, 1, "name", f"preset declares {ref} but the file is named {file.name}", "keep file name and name@version equal"))
        presets[ref] = preset
    if findings:
        raise PresetError(findings)
    return presets
