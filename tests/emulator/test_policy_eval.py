"""The evaluator against examples from AWS's documentation (IAM policy evaluation logic, S3 and KMS guides)."""

from __future__ import annotations

import pytest

from policy_eval import Request, UnsupportedPolicy, effective, evaluate

ROLE = "arn:aws:iam::111122223333:role/analyst"
OTHER = "arn:aws:iam::111122223333:role/other"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_explicit_deny_overrides_allow():
    identity = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                   {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::examplebucket/*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::examplebucket/a"), identity=[identity]) == "allow"
    assert effective(Request(ROLE, "s3:DeleteObject", "arn:aws:s3:::examplebucket/a"), identity=[identity]) == "deny"


def test_default_is_implicit_deny():
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k")) == "implicit"


def test_bucket_policy_denying_insecure_transport():
    # S3 user guide: "Managing access based on HTTP or HTTPS requests"
    policy = doc({"Sid": "RestrictToTLSRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                  "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"],
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    over_http = Request(ROLE, "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/x", {"aws:SecureTransport": "false"})
    over_tls = Request(ROLE, "s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/x", {"aws:SecureTransport": "true"})
    assert evaluate(policy, over_http, resource_policy=True)[0] == "deny"
    assert evaluate(policy, over_tls, resource_policy=True)[0] == "implicit"


def test_list_bucket_restricted_to_a_prefix():
    # S3 user guide: ListBucket with the s3:prefix condition key
    identity = doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
                    "Condition": {"StringLike": {"s3:prefix": ["projects/*"]}}})
    inside = Request(ROLE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", {"s3:prefix": "projects/q1/"})
    outside = Request(ROLE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", {"s3:prefix": "finance/"})
    no_prefix = Request(ROLE, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket")
    assert effective(inside, identity=[identity]) == "allow"
    assert effective(outside, identity=[identity]) == "implicit"
    assert effective(no_prefix, identity=[identity]) == "implicit"  # a missing key never matches a positive operator


def test_object_wildcard_does_not_match_the_bucket():
    identity = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k/1"), identity=[identity]) == "allow"
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b"), identity=[identity]) == "implicit"
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::bb/k"), identity=[identity]) == "implicit"


def test_not_action():
    # IAM guide: NotAction with Allow allows everything but the listed actions
    identity = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), identity=[identity]) == "allow"
    assert effective(Request(ROLE, "iam:CreateUser", "arn:aws:iam::111122223333:user/x"), identity=[identity]) == "implicit"


def test_actions_match_case_insensitively_resources_do_not():
    identity = doc({"Effect": "Allow", "Action": "S3:getobject", "Resource": "arn:aws:s3:::B/*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::B/k"), identity=[identity]) == "allow"
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), identity=[identity]) == "implicit"


def test_permissions_boundary_limits_identity_policy():
    # IAM guide, permissions boundaries: effective permissions are the intersection
    identity = doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"})
    boundary = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), identity=[identity], boundary=boundary) == "allow"
    assert effective(Request(ROLE, "s3:PutObject", "arn:aws:s3:::b/k"), identity=[identity], boundary=boundary) == "implicit"


def test_account_principal_only_delegates_to_iam():
    # A resource policy naming the account lets the account's identity policies decide
    bucket = doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    request = Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k")
    assert effective(request, resource=bucket) == "implicit"
    identity = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert effective(request, identity=[identity], resource=bucket) == "allow"


def test_role_named_in_resource_policy_needs_no_identity_policy():
    # Same account: a resource-based policy that names the principal grants on its own
    bucket = doc({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    assert effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), resource=bucket) == "allow"
    assert effective(Request(OTHER, "s3:GetObject", "arn:aws:s3:::b/k"), resource=bucket) == "implicit"


def test_principal_arn_condition_and_negation():
    policy = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                  "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"},
                                "ArnNotEquals": {"aws:PrincipalArn": [ROLE]}}})
    assert evaluate(policy, Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), resource_policy=True)[0] == "implicit"
    assert evaluate(policy, Request(OTHER, "s3:GetObject", "arn:aws:s3:::b/k"), resource_policy=True)[0] == "deny"


def test_key_policy_must_apply_for_kms():
    # KMS guide: without a key policy statement that applies, IAM policies alone give no access
    identity = doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111122223333:key/*"})
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd"
    enabling = doc({"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": "kms:Decrypt", "Resource": "*"})
    assert effective(Request(ROLE, "kms:Decrypt", key), identity=[identity], resource=doc(), key_policy=True) == "implicit"
    assert effective(Request(ROLE, "kms:Decrypt", key), identity=[identity], resource=enabling, key_policy=True) == "allow"


def test_for_any_value_on_a_multivalued_key():
    # KMS guide: kms:ResourceAliases with ForAnyValue:StringEquals
    identity = doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
                    "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/finance"]}}})
    assert effective(Request(ROLE, "kms:Decrypt", "k", {"kms:ResourceAliases": ["alias/x", "alias/finance"]}), identity=[identity]) == "allow"
    assert effective(Request(ROLE, "kms:Decrypt", "k", {"kms:ResourceAliases": ["alias/x"]}), identity=[identity]) == "implicit"


def test_unsupported_operator_is_refused():
    identity = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})
    with pytest.raises(UnsupportedPolicy):
        effective(Request(ROLE, "s3:GetObject", "arn:aws:s3:::b/k"), identity=[identity])
