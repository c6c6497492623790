"""A deterministic synthetic mesh: D domains x P products, the realistic mix the scale figures are measured on.

Presets rotate (batch@1, streaming@1, ml-features@1); a third of the products state their output ports (S3 only,
or S3 and Kinesis); two thirds have a pipeline; every product after a domain's first reads the previous product
of its domain, and the first product of every domain but the first reads a product of an earlier domain, which
grants it. All products are `internal`, so no classification rule fires: every generated mesh is valid and
previews clean (a test checks it). Same arguments, same seed: the same bytes.

    python bench/generate.py OUT_DIR [--domains 200] [--products 5] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

PRESETS = ("batch@1", "streaming@1", "ml-features@1")
MAIN = "from components import deploy_domain\ndeploy_domain(__file__)\n"
STACK = """config:
  aws:region: eu-west-1
  dmesh:accountId: "123456789012"
  dmesh:oidcProviderArn: arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/SYNTHETIC
  kubernetes:context: dmesh-dev
"""
COLUMN_TYPES = ("string", "integer", "number", "date", "timestamp", "boolean")


def _contract(domain: str, product: str, rng: random.Random) -> str:
    columns = [f"      - name: {product.replace('-', '_')}_id\n        logicalType: string\n        required: true\n        primaryKey: true\n"]
    for i in range(rng.randint(4, 12)):
        columns.append(f"      - name: field_{i}\n        logicalType: {rng.choice(COLUMN_TYPES)}\n        description: synthetic field {i}\n")
    return (f"apiVersion: v3.0.2\nkind: DataContract\nid: urn:datacontract:{domain}:{product}\nname: {product}\nversion: 1.0.0\n"
            f"status: active\ndomain: {domain}\ndataProduct: {product}\ndescription:\n  purpose: Synthetic product {domain}.{product}.\n"
            f"schema:\n  - name: {product}\n    physicalType: table\n    properties:\n" + "".join(columns))


def generate(root: Path, domains: int, products: int, seed: int = 7) -> list[str]:
    """Write the mesh under `root` (created; must not exist); returns the domain names in order."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    names = [f"d{i:04d}" for i in range(domains)]
    readers: dict[tuple[str, str], list[str]] = {}
    plans = []
    for i, domain in enumerate(names):
        items = []
        for j in range(products):
            product = f"p{j:02d}"
            inputs = []
            if j > 0:
                inputs.append(f"{domain}.p{j - 1:02d}")
            elif i > 0:
                source = (names[rng.randrange(i)], f"p{rng.randrange(products):02d}")
                inputs.append(f"{source[0]}.{source[1]}")
                readers.setdefault(source, []).append(domain)
            ports = ("", "      outputPorts:\n        - {type: s3, format: parquet}\n",
                     "      outputPorts:\n        - {type: s3}\n        - {type: kinesis}\n")[rng.randrange(3)]
            pipeline = f"      pipeline: {{image: registry.acme.example/{domain}/{product}:1.{j}.0}}\n" if rng.random() < 2 / 3 else ""
            items.append((product, inputs, ports, pipeline))
        plans.append((domain, PRESETS[i % len(PRESETS)], items))
    for domain, preset, items in plans:
        folder = root / domain
        (folder / "contracts").mkdir(parents=True)
        (folder / "Pulumi.yaml").write_text(f"name: {domain}\nruntime: python\n")
        (folder / "Pulumi.dev.yaml").write_text(STACK)
        (folder / "__main__.py").write_text(MAIN)
        body = []
        for product, inputs, ports, pipeline in items:
            (folder / "contracts" / f"{product}.odcs.yaml").write_text(_contract(domain, product, rng))
            grants = sorted(set(readers.get((domain, product), [])))
            body.append(f"    - name: {product}\n      description: synthetic product {product} of {domain}\n"
                        f"      contract: contracts/{product}.odcs.yaml\n      classification: internal\n{ports}"
                        + (f"      inputs: [{', '.join(inputs)}]\n" if inputs else "")
                        + (f"      grants: [{', '.join('{domain: ' + g + '}' for g in grants)}]\n" if grants else "") + pipeline)
        (folder / "domain.yaml").write_text(
            f"apiVersion: dmesh/v1\nkind: Domain\nmetadata:\n  name: {domain}\n  owner: {domain}@acme.example\n  costCenter: CC-{domain}\n"
            f"spec:\n  blueprint: {preset}\n  dataProducts:\n" + "".join(body))
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--products", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args()
    if args.out.exists() and args.force:
        shutil.rmtree(args.out)
    names = generate(args.out, args.domains, args.products, args.seed)
    print(f"domains={len(names)} products={len(names) * args.products} out={args.out}")


if __name__ == "__main__":
    main()
