"""Realistic breakages of components/policies.py, applied one at a time: which does the suite catch?

    .venv/bin/python bench/realistic_breakages.py [CHECKOUT] [TESTS...]    # default: this checkout, tests/components

A hand-written complement to bench/mutation.py: each breakage widens what a role may do or drops a
condition that narrows it, the class of change golden documents exist to catch. Point it at another
checkout (a `git worktree` of an older revision) to compare suites side by side.
"""
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO
tests = sys.argv[2:] or ["tests/components"]
MUTATIONS = [
    ("consumer reads may also write", 'S3_READ = ["s3:GetObject"]', 'S3_READ = ["s3:GetObject", "s3:PutObject"]'),
    ("list no longer scoped to the prefix", '"Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}},\n', '},\n'),
    ("granted decrypt not limited to S3/Kinesis", '"StringEquals": {"kms:ViaService"', '"StringNotEquals": {"kms:ViaService"'),
    ("stream readers may write", '"kinesis:GetShardIterator", "kinesis:ListShards"]', '"kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:PutRecord"]'),
    ("IRSA audience dropped", 'f"{issuer}:aud": "sts.amazonaws.com",', ''),
    ("producer may delete every object of the account", '"Sid": "OwnProductsWrite", "Effect": "Allow", "Action": S3_WRITE, "Resource": [', '"Sid": "OwnProductsWrite", "Effect": "Allow", "Action": S3_WRITE, "Resource": ["*", '),
    ("consumer catalog read on every table", 'naming.glue_table(ref.product))})', '"*")})'),
    ("ungranted-consumer deny no longer covers ListBucket", '["s3:GetObject", "s3:ListBucket"]', '["s3:GetObject"]'),
    ("key admin may also use the key", '"kms:ListAliases", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",', '"kms:ListAliases", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias", "kms:Decrypt",'),
    ("input keys decryptable without alias condition", '"Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases"', '"Condition": {"ForAnyValue:StringLike": {"kms:ResourceAliases"'),
]
file = root / "components" / "policies.py"
original = file.read_text()
caught = 0
for name, old, new in MUTATIONS:
    if old not in original:
        print(f"skip (not in this version): {name}"); continue
    file.write_text(original.replace(old, new, 1))
    try:
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
                                cwd=root, capture_output=True, text=True)
    finally:
        file.write_text(original)
    killed = result.returncode != 0
    caught += killed
    print(f"{'caught' if killed else 'MISSED'}: {name}")
print(f"caught={caught}/{len(MUTATIONS)}")
