"""Helpers the tests share (constants and small functions, no fixtures)."""

from __future__ import annotations

from pathlib import Path

from components.settings import PlatformSettings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_MESH = REPO / "domain_stacks"
FIXTURE_PROJECTS = REPO / "tests" / "fixtures" / "projects"
# the stack settings the component tests build with (and the golden documents were made with)
SETTINGS = PlatformSettings(
    region="eu-west-1", account_id="123456789012",
    oidc_provider_arn="arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/TEST",
)


# "billion laughs": ten levels of nine aliases each, a few kilobytes standing for 9**10 values
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9))


def line_of(file: Path, needle: str) -> int:
    """1-based line of the first occurrence of `needle` (how tests say where an error must point)."""
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {file}")


def add_domain(mesh: Path, name: str, product: str) -> Path:
    """A minimal valid domain with one product (the store-locations contract, re-labelled)."""
    folder = mesh / name
    (folder / "contracts").mkdir(parents=True)
    contract = (EXAMPLE_MESH / "sales" / "contracts" / "store-locations.odcs.yaml").read_text()
    (folder / "contracts" / f"{product}.odcs.yaml").write_text(contract.replace("store-locations", product).replace("sales", name))
    (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (folder / "domain.yaml").write_text(f"""apiVersion: dmesh/v1
kind: Domain
metadata:
  name: {name}
  owner: {name}@acme.example
  costCenter: CC-1
spec:
  blueprint: batch@1
  dataProducts:
    - name: {product}
      contract: contracts/{product}.odcs.yaml
      classification: public
""")
    return folder / "domain.yaml"
