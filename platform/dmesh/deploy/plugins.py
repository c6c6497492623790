"""The provider plugins the installed SDKs were generated against, installed before the first operation.

Each provider SDK ships `pulumi-plugin.json` naming its plugin and version; installing exactly that avoids
the CLI resolving (and downloading) a plugin mid-preview, where a failure reads as a program error.
"""

from __future__ import annotations

import json
from importlib.resources import files

PROVIDER_PACKAGES = ("pulumi_aws", "pulumi_kubernetes")


def required_plugins() -> list[tuple[str, str]]:
    """(name, version) of each provider plugin, e.g. ("aws", "7.51.1")."""
    found = []
    for package in PROVIDER_PACKAGES:
        meta = json.loads(files(package).joinpath("pulumi-plugin.json").read_text(encoding="utf-8"))
        found.append((meta["name"], meta["version"]))
    return found
