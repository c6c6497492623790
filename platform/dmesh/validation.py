"""`dmesh validate`: the mesh as a whole, judged without touching any cloud."""

from __future__ import annotations

import os
import re
import urllib.parse

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from blueprints import DOMAIN_FILE, Finding, Mesh, domain_folders, load_mesh
from blueprints.mesh import linked_out
from blueprints.paths import resolved

from .collector import collector_paused
from .forking import forking_safe
from .governance.config import mesh_levels


class UsageError(Exception):
    """The command was called wrongly (exit code 2), as opposed to a blueprint being wrong."""


@dataclass(frozen=True)
class Target:
    """What the user pointed at: the mesh root, and optionally one domain within it."""

    root: Path
    domain: Path | None

    def concerns(self, finding: Finding) -> bool:
        return self.domain is None or resolved(finding.file).is_relative_to(resolved(self.domain))


def resolve_target(path: Path) -> Target:
    if not path.exists():
        raise UsageError(f"no such path: {path}")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder (give a mesh root or a domain folder)")
    if (path / DOMAIN_FILE).is_file():
        domain, named = resolved(path), Path(os.path.abspath(path))
        target = linked_out(named, resolved(named.parent))
        if target is not None:  # its mesh would be wherever the link leads, and every file read there someone else's
            raise UsageError(f"{path} links to {target}, out of its mesh root; commit the domain's folder itself")
        return Target(domain.parent, domain)
    if not domain_folders(path):
        raise UsageError(f"{path} holds no domain (a folder with {DOMAIN_FILE}); give a mesh root or a domain folder")
    return Target(path.resolve(), None)


AWS_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")


def aws_region(region: str | None) -> str | None:
    if region is not None and not AWS_REGION.fullmatch(region):
        raise UsageError(f"--region {region!r} is not an AWS region name (e.g. eu-west-1)")
    return region


def endpoint(url: str | None) -> str | None:
    """An endpoint URL botocore can use: http(s)://host[:port], nothing else."""
    if url is None:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint-url {url!r} is not an http(s) URL (e.g. http://localhost:4566)")
    try:
        parts.port
    except ValueError:
        raise UsageError(f"--endpoint-url {url!r} has an invalid port") from None
    return url


def output_file(path: Path | None) -> Path | None:
    """Where a report goes, checked before any work starts: not a folder, in a folder that exists."""
    if path is None:
        return None
    if path.is_dir():
        raise UsageError(f"--output {path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise UsageError(f"--output {path}: the folder {path.parent} does not exist")
    return path


def validate_mesh(target: Target, levels: Mapping[str, str] | None = None) -> tuple[Mesh, list[Finding]]:
    """Load the mesh around the target; return it with the findings that concern the target.

    `levels` are the rules' mesh-wide levels (the resolved rule book), which overrides are judged by.
    """
    with collector_paused():  # what loads lives on (the specs, the modules that load with them): 7% of a cold mesh's load
        mesh = load_mesh(target.root, levels if levels is not None else mesh_levels(), focus=target.domain, parallel=forking_safe())
    return mesh, [f for f in mesh.findings if target.concerns(f)]
