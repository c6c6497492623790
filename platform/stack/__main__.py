"""The platform's own stack: the mesh-wide catalog bucket (registry documents) and the audit bucket.

Domain stacks refer to both by name (stack config `dmesh:catalogBucket`, `dmesh:auditBucket`).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # platform/, for dmesh when run by the Pulumi CLI

import pulumi  # noqa: E402

from dmesh.platform_stack import PlatformStack, PlatformStackArgs  # noqa: E402

config = pulumi.Config("dmesh")
stack = PlatformStack("platform", PlatformStackArgs(
    account_id=config.require("accountId"),
    catalog_bucket=config.require("catalogBucket"),
    audit_bucket=config.require("auditBucket"),
    owner=config.require("platformOwner"),
    cost_center=config.require("platformCostCenter"),
))
pulumi.export("catalogBucket", stack.catalog_bucket.bucket)
pulumi.export("auditBucket", stack.audit_bucket.bucket)
