"""The platform's own stack: the mesh-wide catalog bucket (registry documents) and the audit bucket.

Both are named by the mesh's naming scheme (`blueprints.naming`), which domain stacks use too. With
`dmesh:operator` in its config, it also creates a Pulumi Kubernetes Operator Stack per domain.
"""

from pathlib import Path

import pulumi

from blueprints import naming
from dmesh.operator_stacks import OperatorError, operator_objects
from dmesh.platform_stack import AUDIT_OUTPUT, CATALOG_OUTPUT, PlatformStack, PlatformStackArgs

HOME = Path(__file__).resolve().parents[2]  # the repository: Pulumi.yaml (main: platform/stack) beside domain_stacks/
config = pulumi.Config("dmesh")
try:
    operator = operator_objects(config.get_object("operator"), pulumi.get_stack(), HOME, HOME / "domain_stacks")
except OperatorError as exc:
    raise pulumi.RunError(f"stack config 'dmesh:operator' of Pulumi.{pulumi.get_stack()}.yaml: {exc}") from None
stack = PlatformStack("platform", PlatformStackArgs(
    account_id=config.require("accountId"),
    region=pulumi.Config("aws").require("region"),
    catalog_bucket=naming.CATALOG_BUCKET,
    audit_bucket=naming.AUDIT_BUCKET,
    owner=config.require("platformOwner"),
    cost_center=config.require("platformCostCenter"),
    operator_stacks=tuple(operator),
))
pulumi.export(CATALOG_OUTPUT, stack.catalog_bucket.bucket)
pulumi.export(AUDIT_OUTPUT, stack.audit_bucket.bucket)
