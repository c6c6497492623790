"""The platform's own stack: the mesh-wide catalog bucket (registry documents) and the audit bucket.

Both are named by the mesh's naming scheme (`blueprints.naming`), which domain stacks use too.
"""

import pulumi

from blueprints import naming
from dmesh.platform_stack import AUDIT_OUTPUT, CATALOG_OUTPUT, PlatformStack, PlatformStackArgs

config = pulumi.Config("dmesh")
stack = PlatformStack("platform", PlatformStackArgs(
    account_id=config.require("accountId"),
    region=pulumi.Config("aws").require("region"),
    catalog_bucket=naming.CATALOG_BUCKET,
    audit_bucket=naming.AUDIT_BUCKET,
    owner=config.require("platformOwner"),
    cost_center=config.require("platformCostCenter"),
))
pulumi.export(CATALOG_OUTPUT, stack.catalog_bucket.bucket)
pulumi.export(AUDIT_OUTPUT, stack.audit_bucket.bucket)
