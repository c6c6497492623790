"""The platform's own stack: the mesh-wide catalog bucket (registry documents) and the audit bucket.

Both are named by the mesh's naming scheme (`blueprints.naming`), which domain stacks use too.
"""

import pulumi

from blueprints import naming
from dmesh.platform_stack import PlatformStack, PlatformStackArgs

config = pulumi.Config("dmesh")
stack = PlatformStack("platform", PlatformStackArgs(
    account_id=config.require("accountId"),
    region=pulumi.Config("aws").require("region"),
    catalog_bucket=naming.CATALOG_BUCKET,
    audit_bucket=naming.AUDIT_BUCKET,
    owner=config.require("platformOwner"),
    cost_center=config.require("platformCostCenter"),
))
pulumi.export("catalogBucket", stack.catalog_bucket.bucket)
pulumi.export("auditBucket", stack.audit_bucket.bucket)
