"""A corpus of attempts to get past governance, as a hostile or careless domain team would write them.

Each attempt names the rule that must catch it and the resource the violation must be reported on; every
one must be caught at the mandatory level, in process and through the analyzer protocol.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from components.testing import Registration
from rulecases import ACCOUNT, ADMIN, BOUNDARY_ARN, GRANT, KEY_ARN, TAGS, allow, boundary_policy, bucket, doc, key, policy, res, role

OUTSIDE = "999999999999"
PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dm-sales-orders/*"}


@dataclass(frozen=True)
class Attempt:
    id: str
    resources: list[Registration]
    rule: str
    target: str  # logical name of the resource the violation must be reported on


def policy_resource(type_: str, logical: str = "x", prop: str = "policy", **statement) -> Registration:
    return res(type_, logical, **{prop: doc({**PUBLIC, **statement})}, tags=TAGS)


ATTEMPTS: list[Attempt] = [
    # resource policies of every type the mesh can reach
    *[Attempt(f"public-{t.split(':')[1]}", [policy_resource(t, prop=p)], "no-public-principals", "x") for t, p in (
        ("aws:kms/keyPolicy:KeyPolicy", "policy"), ("aws:kms/replicaKey:ReplicaKey", "policy"), ("aws:kms/externalKey:ExternalKey", "policy"),
        ("aws:s3/bucketPolicy:BucketPolicy", "policy"), ("aws:s3/accessPoint:AccessPoint", "policy"), ("aws:kinesis/resourcePolicy:ResourcePolicy", "policy"),
        ("aws:glue/resourcePolicy:ResourcePolicy", "policy"), ("aws:sns/topic:Topic", "policy"), ("aws:sns/topicPolicy:TopicPolicy", "policy"),
        ("aws:sqs/queue:Queue", "policy"), ("aws:sqs/queuePolicy:QueuePolicy", "policy"), ("aws:lambda/resourcePolicy:ResourcePolicy", "policy"),
        ("aws:secretsmanager/secretPolicy:SecretPolicy", "policy"), ("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "policy"),
        ("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "policyDocument"),
        ("aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy", "accessPolicy"))],
    # principal forms
    Attempt("aws-star-in-list", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal={"AWS": [f"arn:aws:iam::{ACCOUNT}:root", "*"]})],
            "no-public-principals", "x"),
    Attempt("principal-list-form", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal=["*"])], "no-public-principals", "x"),
    Attempt("wildcard-account-arn", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal={"AWS": "arn:aws:iam::*:root"})],
            "no-public-principals", "x"),
    Attempt("outside-account", [policy_resource("aws:glue/resourcePolicy:ResourcePolicy", Principal={"AWS": f"arn:aws:iam::{OUTSIDE}:root"})],
            "no-public-principals", "x"),
    Attempt("canonical-user", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal={"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"})],
            "no-public-principals", "x"),
    Attempt("not-principal", [res("aws:s3/bucketPolicy:BucketPolicy", "x", policy=doc({**PUBLIC, "Principal": None, "NotPrincipal": {"AWS": BOUNDARY_ARN}}))],
            "no-public-principals", "x"),
    Attempt("lowercase-effect", [res("aws:s3/bucketPolicy:BucketPolicy", "x", policy=doc({**PUBLIC, "Effect": "allow"}))], "no-public-principals", "x"),
    Attempt("single-statement-object", [res("aws:sqs/queuePolicy:QueuePolicy", "x", policy=json.dumps({"Version": "2012-10-17", "Statement": PUBLIC}))],
            "no-public-principals", "x"),
    Attempt("document-as-mapping", [res("aws:sns/topicPolicy:TopicPolicy", "x", arn="t", policy={"Version": "2012-10-17", "Statement": [PUBLIC]})],
            "no-public-principals", "x"),
    # conditions that make a public principal look scoped
    *[Attempt(f"scoped-looking-{name}", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Condition=condition)], "no-public-principals", "x")
      for name, condition in (("principal-arn-wildcard", {"StringLike": {"aws:PrincipalArn": "*"}}),
                              ("any-source-ip", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
                              ("secure-transport", {"Bool": {"aws:SecureTransport": "true"}}))],
    # trust policies
    Attempt("trust-anyone", [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}))],
            "no-public-principals", "producer"),
    Attempt("trust-outside-account", [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
                                                                  "Action": "sts:AssumeRole"}))], "no-public-principals", "producer"),
    Attempt("trust-any-google-account", [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
                                                                     "Action": "sts:AssumeRoleWithWebIdentity"}))], "no-public-principals", "producer"),
    # look-alikes: `$` also matches before a final newline, and `\d` matches other scripts' digits; AWS reads neither as the same
    Attempt("service-principal-with-newline", [role(assumeRolePolicy=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com\n"},
                                                                           "Action": "sts:AssumeRole"}))], "no-public-principals", "producer"),
    Attempt("account-in-other-digits", [policy_resource("aws:s3/bucketPolicy:BucketPolicy",
                                                        Principal={"AWS": "arn:aws:iam::\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:root"})],
            "no-public-principals", "x"),
    Attempt("bare-account-in-other-digits", [res("aws:lambda/permission:Permission", "x", action="lambda:InvokeFunction", function="f",
                                                 principal="\uff11" * 12)], "no-public-principals", "x"),
    # principals named in properties
    Attempt("lambda-permission-anyone", [res("aws:lambda/permission:Permission", "x", action="lambda:InvokeFunction", function="f", principal="*")],
            "no-public-principals", "x"),
    Attempt("lambda-permission-outside", [res("aws:lambda/permission:Permission", "x", action="lambda:InvokeFunction", function="f", principal=OUTSIDE)],
            "no-public-principals", "x"),
    Attempt("layer-permission-anyone", [res("aws:lambda/layerVersionPermission:LayerVersionPermission", "x", layerName="l", principal="*",
                                            action="lambda:GetLayerVersion", statementId="s", versionNumber=1)], "no-public-principals", "x"),
    Attempt("event-permission-anyone", [res("aws:cloudwatch/eventPermission:EventPermission", "x", principal="*", statementId="s")],
            "no-public-principals", "x"),
    Attempt("kms-grant-outside", [res("aws:kms/grant:Grant", "x", keyId=KEY_ARN, operations=["Decrypt"], granteePrincipal=f"arn:aws:iam::{OUTSIDE}:root")],
            "no-public-principals", "x"),
    Attempt("lake-formation-outside", [res("aws:lakeformation/permissions:Permissions", "x", permissions=["SELECT"], principal=f"arn:aws:iam::{OUTSIDE}:root")],
            "no-public-principals", "x"),
    # ACLs
    Attempt("bucket-acl-public-read", [res("aws:s3/bucketAcl:BucketAcl", "x", bucket="dm-sales-orders", acl="public-read")], "no-public-principals", "x"),
    Attempt("bucket-acl-v2-grant-all-users", [res("aws:s3/bucketAclV2:BucketAclV2", "x", bucket="dm-sales-orders", accessControlPolicy={
        "owner": {"id": "o"}, "grants": [{"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "permission": "READ"}]})],
        "no-public-principals", "x"),
    Attempt("bucket-acl-authenticated-users", [res("aws:s3/bucketAcl:BucketAcl", "x", bucket="dm-sales-orders", accessControlPolicy={
        "owner": {"id": "o"}, "grants": [{"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
                                          "permission": "READ"}]})], "no-public-principals", "x"),
    Attempt("object-acl-public", [res("aws:s3/bucketObjectv2:BucketObjectv2", "x", bucket="dm-sales-orders", key="k", acl="public-read", tags=TAGS)],
            "no-public-principals", "x"),
    Attempt("bucket-canned-acl", [bucket(acl="public-read-write")], "no-public-principals", "dm-sales-orders"),
    # statement forms that invert or hide meaning
    Attempt("not-action", [policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})], "iam-no-wildcard-actions", "p"),
    Attempt("not-resource", [policy({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::dm-sales-orders/*"})],
            "iam-no-wildcard-resource-writes", "p"),
    Attempt("hidden-permission-management", [policy(allow(["iam:*Policy*"], f"arn:aws:iam::{ACCOUNT}:role/dm-sales-producer"))],
            "iam-no-wildcard-actions", "p"),
    Attempt("hidden-grant-management", [res("aws:iam/rolePolicy:RolePolicy", "x", role="r", policy=doc(allow(["kms:*Grant*"], KEY_ARN)))],
            "iam-no-wildcard-actions", "x"),
    Attempt("inline-role-star", [role(inlinePolicies=[{"name": "x", "policy": doc(allow("*", "*"))}])], "iam-no-wildcard-actions", "producer"),
    Attempt("group-policy-star", [res("aws:iam/groupPolicy:GroupPolicy", "x", group="g", policy=doc(allow("s3:*", "*")))], "iam-no-wildcard-actions", "x"),
    Attempt("unreadable-document", [res("aws:iam/rolePolicy:RolePolicy", "x", role="r", policy="Allow everything")], "iam-no-wildcard-actions", "x"),
    # privilege by reference
    Attempt("attach-administrator", [res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", role="r", policyArn=ADMIN)],
            "iam-no-privileged-managed-policies", "x"),
    Attempt("managed-power-user", [role(managedPolicyArns=["arn:aws:iam::aws:policy/PowerUserAccess"])], "iam-no-privileged-managed-policies", "producer"),
    Attempt("exclusive-iam-full-access", [res("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "x", roleName="r",
                                              policyArns=["arn:aws:iam::aws:policy/IAMFullAccess"])], "iam-no-privileged-managed-policies", "x"),
    Attempt("boundary-that-bounds-nothing", [boundary_policy(), role(boundary=ADMIN)], "iam-permission-boundary-approved", "producer"),
    Attempt("self-made-boundary", [res("aws:iam/policy:Policy", "open", name="open", policy=doc(allow(["s3:GetObject"])), tags=TAGS),
                                   role(boundary=f"arn:aws:iam::{ACCOUNT}:policy/open")], "iam-permission-boundary-approved", "producer"),
    # users and long-lived keys
    Attempt("iam-user", [res("aws:iam/user:User", "x", name="u", permissionsBoundary=BOUNDARY_ARN, tags=TAGS)], "iam-no-users", "x"),
    Attempt("access-key", [res("aws:iam/accessKey:AccessKey", "x", user="u")], "iam-no-users", "x"),
    Attempt("login-profile", [res("aws:iam/userLoginProfile:UserLoginProfile", "x", user="u")], "iam-no-users", "x"),
    # the key policy's own `Resource: "*"` is exempt, but not a public principal in it
    Attempt("key-policy-public", [key(policy=doc({**GRANT, "Principal": "*", "Resource": "*"}))], "no-public-principals", "k"),
]

ATTEMPTS += [
    Attempt("account-as-a-number", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal={"AWS": 999999999999})], "no-public-principals", "x"),
    Attempt("account-number-in-a-list", [policy_resource("aws:s3/bucketPolicy:BucketPolicy", Principal={"AWS": [f"arn:aws:iam::{ACCOUNT}:root", 999999999999]})],
            "no-public-principals", "x"),
]
