"""Entry point the Pulumi engine (and `dmesh preview`) runs: the rules live in dmesh.governance."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # platform/, so dmesh imports from source

from dmesh.governance.pack import serve  # noqa: E402

serve()
