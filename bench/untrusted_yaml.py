"""How long the loader takes to refuse a YAML alias bomb (a few kilobytes standing for 9**10 values).

    .venv/bin/python bench/untrusted_yaml.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from blueprints import BlueprintError, load_domain, load_presets

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))  # after the packages: tests/ mirrors their names
from meshtest import ALIAS_BOMB as BOMB  # noqa: E402


def main() -> None:
    presets = load_presets()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sales"
        folder.mkdir()
        (folder / "domain.yaml").write_text(BOMB)
        start = time.perf_counter()
        try:
            load_domain(folder, presets)
        except BlueprintError as exc:
            refused = exc.findings[0].message
        seconds = time.perf_counter() - start
    print(f"bomb_bytes={len(BOMB)}")
    print(f"refused_seconds={seconds:.3f}")
    print(f"message={refused}")


if __name__ == "__main__":
    main()
