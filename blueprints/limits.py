"""How much of a file the platform reads: blueprints and contracts come from domain teams (and pull requests)."""

from __future__ import annotations

MAX_BYTES = 1024 * 1024  # a blueprint or contract is far smaller; a larger file is refused, never read whole
