"""Entry point the Pulumi engine (and `dmesh preview`) runs: the rules live in dmesh.governance."""

from dmesh.governance.pack import serve

serve()
