"""How two offline runs compare: what is added, deleted, updated (and where), replaced, and what is refused."""

from __future__ import annotations

from dmesh.upgrade.diff import DomainDiff, changed_paths, diff_registrations, engine_urns

P = "urn:pulumi:dev::sales::"
STORAGE = "dmesh:domain:DomainStack$dmesh:storage:ProductStorage"


def reg(type_: str, logical: str, parent_chain: str = STORAGE, custom: bool = True, aliases=(), parent: str = "", **inputs) -> dict:
    urn = f"{P}{parent_chain}${type_}::{logical}" if parent_chain else f"{P}{type_}::{logical}"
    return {"type": type_, "name": logical, "urn": urn, "custom": custom, "parent": parent, "inputs": inputs, "aliases": list(aliases)}


def bucket(logical="sales-orders-bucket", chain=STORAGE, **inputs):
    return reg("aws:s3/bucket:Bucket", logical, chain, **{"bucket": "dm-sales-orders", "tags": {"a": "1"}, **inputs})


def test_changed_paths_name_the_leaves_that_differ():
    old = {"rules": [{"id": "r", "expiration": {"days": 365}}], "tags": {"a": "1"}}
    new = {"rules": [{"id": "r", "expiration": {"days": 365}, "transitions": [{"days": 30}]}], "tags": {"a": "2", "b": "3"}}
    assert changed_paths(old, new) == ["rules[0].transitions", "tags.a", "tags.b"]
    assert changed_paths({"l": [1, 2]}, {"l": [1, 2, 3]}) == ["l"]
    assert changed_paths({"p": '{"x": 1}'}, {"p": '{"x": 2}'}) == ["p"]
    assert changed_paths({"a": 1}, {"a": 1}) == []


def test_same_resources_no_change():
    assert diff_registrations([bucket()], [bucket()]) == []


def test_an_input_changed_in_place_is_an_update_with_its_paths():
    [change] = diff_registrations([bucket()], [bucket(tags={"a": "2"})])
    assert (change.kind, change.paths, change.destroys_data) == ("updated", ("tags.a",), False)


def test_a_create_only_input_of_a_stateful_resource_is_a_replacement_that_destroys_data():
    [change] = diff_registrations([bucket()], [bucket(bucket="dm-sales-orders-v2")])
    assert change.kind == "replaced" and change.destroys_data and change.holds == "a product's data"
    assert change.reason == ("bucket changes from 'dm-sales-orders' to 'dm-sales-orders-v2', which cannot change in place "
                             "(cfn:AWS::S3::Bucket:/properties/BucketName)")


def test_a_vanished_urn_nobody_claims_is_a_deletion():
    removed, added = diff_registrations([bucket()], [bucket(logical="sales-orders-data")])
    assert (removed.kind, removed.name, removed.destroys_data) == ("removed", "sales-orders-bucket", True)
    assert removed.reason == "its URN is gone and no alias in the new run claims it: Pulumi deletes it"
    assert (added.kind, added.name, added.destroys_data) == ("added", "sales-orders-data", False)


def test_an_alias_carries_a_moved_resource_over():
    old = bucket()
    moved = bucket(chain=f"{STORAGE}$dmesh:storage:GuardedBucket", aliases=[old["urn"]])
    [change] = diff_registrations([old], [moved])
    assert (change.kind, change.moved_from, change.destroys_data, change.paths) == ("updated", old["urn"], False, ())


def test_an_alias_does_not_hide_a_replacement():
    old = bucket()
    moved = bucket(chain=f"{STORAGE}$dmesh:storage:GuardedBucket", aliases=[old["urn"]], bucket="dm-other")
    [change] = diff_registrations([old], [moved])
    assert change.kind == "replaced" and change.moved_from == old["urn"]


def test_a_changed_type_is_a_replacement():
    old = reg("aws:s3/bucket:Bucket", "b", bucket="x")
    new = reg("aws:s3/bucketV2:BucketV2", "b", aliases=[old["urn"]], bucket="x")
    [change] = diff_registrations([old], [new])
    assert change.kind == "replaced" and change.reason == "its type changes from aws:s3/bucket:Bucket to aws:s3/bucketV2:BucketV2"


def test_stateless_resources_are_reported_but_never_refused():
    role = reg("aws:iam/role:Role", "r", name="dm-sales-producer")
    changes = diff_registrations([role], [])
    assert [c.kind for c in changes] == ["removed"] and DomainDiff("sales", changes).refused() == []


def test_components_are_not_compared():
    component = reg("dmesh:storage:ProductStorage", "sales-orders", custom=False)
    assert diff_registrations([component], []) == []


def test_refused_unless_allowed_by_urn():
    changes = diff_registrations([bucket()], [bucket(bucket="dm-x")])
    diff = DomainDiff("sales", changes)
    assert [c.name for c in diff.refused()] == ["sales-orders-bucket"]
    assert diff.refused([changes[0].urn]) == []
    assert diff.refused(["urn:pulumi:dev::sales::something-else"]) == [changes[0]]


def test_the_mocks_short_urns_are_rebuilt_as_the_engine_makes_them():
    """A base revision's harness recorded the last parent type only; both runs compare in the engine's words."""
    stack = "urn:pulumi:dev::sales::pulumi:pulumi:Stack::sales-dev"
    top = {"type": "dmesh:domain:DomainStack", "name": "sales", "urn": f"{P}dmesh:domain:DomainStack::sales", "parent": stack, "custom": False}
    mid = {"type": "dmesh:storage:ProductStorage", "name": "sales-orders", "urn": f"{P}dmesh:domain:DomainStack$dmesh:storage:ProductStorage::sales-orders",
           "parent": top["urn"], "custom": False}
    short = {"type": "aws:s3/bucket:Bucket", "name": "sales-orders-bucket",
             "urn": f"{P}dmesh:storage:ProductStorage$aws:s3/bucket:Bucket::sales-orders-bucket", "parent": mid["urn"], "custom": True}
    assert [r["urn"] for r in engine_urns([top, mid, short])] == [top["urn"], mid["urn"], bucket()["urn"]]
