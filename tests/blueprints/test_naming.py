"""Physical names follow dm-<domain>-<product> and stay within AWS limits deterministically."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from blueprints import naming
from blueprints.models import DOMAIN_NAME


def test_plain_names():
    assert naming.bucket_name("sales", "orders") == "dm-sales-orders"
    assert naming.consumer_role_arn("123456789012", "sales") == "arn:aws:iam::123456789012:role/dm-sales-consumer"
    assert naming.glue_database("ml-features") == "dm_ml_features" and naming.glue_table("churn-scores") == "churn_scores"
    assert naming.registry_key("sales", "orders") == "products/sales/orders.json"


def test_long_names_are_shortened_deterministically_within_limits():
    long = naming.physical_name("a" * 24, "b" * 32, "archive", limit=63)
    assert len(long) == 63 and long == naming.physical_name("a" * 24, "b" * 32, "archive", limit=63)
    assert long != naming.physical_name("a" * 24, "b" * 31 + "c", "archive", limit=63)
    assert long.startswith("dm-aaaa") and long == long.lower() and not long.endswith("-")


def test_every_valid_domain_and_product_fits_a_bucket_name():
    assert len(naming.bucket_name("d" * 24, "p" * 32)) <= 63


def test_every_name_the_mesh_derives():
    assert naming.stream_name("sales", "orders") == "dm-sales-orders"
    assert naming.role_name("sales", "producer") == "dm-sales-producer"
    assert naming.boundary_name("sales") == "dm-sales-boundary"
    assert naming.key_alias("sales") == "alias/dm-sales"
    assert naming.namespace("sales") == "dm-sales" and naming.service_account("sales") == "dm-sales-pipeline"
    assert naming.product_prefix("orders") == "orders/"
    assert (naming.AUDIT_BUCKET, naming.CATALOG_BUCKET) == ("dm-platform-audit-logs", "dm-platform-catalog")


def test_each_target_keeps_its_own_length_limit():
    domain, product = "d" * 24, "p" * 60
    assert naming.stream_name(domain, product) == f"dm-{domain}-{product}"  # Kinesis allows 128: no shortening at 88
    assert len(naming.bucket_name(domain, product)) == 63
    assert len(naming.role_name("r" * 62, "consumer")) == 64


def test_arns_follow_the_partition_of_the_region():
    from blueprints import arns

    assert [arns.partition_of(r) for r in ("eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1")] == [
        "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"]
    assert arns.stream("cn-north-1", "123456789012", "s") == "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s"
    assert naming.consumer_role_arn("123456789012", "sales", "aws-us-gov") == "arn:aws-us-gov:iam::123456789012:role/dm-sales-consumer"


def test_shortening_cuts_at_the_limit_and_never_doubles_a_dash():
    exact = naming.physical_name("a" * 10, "b" * 9, limit=23)  # 23 characters: kept as it is
    assert exact == "dm-aaaaaaaaaa-bbbbbbbbb"
    cut = naming.physical_name("a" * 10, "b" * 10, limit=23)  # one over: the kept part ends in '-', which is dropped
    assert cut.startswith("dm-aaaaaaaaaa-") and "--" not in cut and len(cut) == 22


def _name(max_size: int) -> st.SearchStrategy[str]:
    """Names as the blueprint's models accept them (a domain's up to 24 characters, a product's up to 32; one
    pattern), from few letters, so that prefixes and collisions are common."""
    words = st.lists(st.text(alphabet="ab1", min_size=1, max_size=4), min_size=1, max_size=5)
    return words.map(lambda w: "a" + "-".join(w)).filter(lambda n: 3 <= len(n) <= max_size and re.fullmatch(DOMAIN_NAME, n))


def _mesh_wide(domain: str, product: str) -> set[tuple[str, str]]:
    names = naming.domain_names(domain) + naming.product_names(domain, product, True, True, True)
    return {(target, name) for target, name in names if target in naming.MESH_WIDE}


@settings(max_examples=400, deadline=None)
@given(_name(24), _name(24), _name(32), _name(32))
@example("marketing", "marketing-web", "web-events", "events")  # the pair that does collide
@example("a" * 24, "a" * 23 + "b", "p" * 32, "p" * 32)  # the longest names: shortened where a target's limit says
def test_two_domains_share_a_physical_name_only_when_may_share_names_says_they_can(a, b, product_a, product_b):
    """What lets one domain's validation read only a few siblings for the collision check (`mesh._around`)."""
    if a != b and _mesh_wide(a, product_a) & _mesh_wide(b, product_b):
        assert naming.may_share_names(a, b)
    assert naming.may_share_names(a, b) == naming.may_share_names(b, a)


def test_may_share_names_is_a_dash_prefix_either_way():
    assert naming.may_share_names("marketing", "marketing-web") and naming.may_share_names("marketing-web", "marketing")
    assert not any(naming.may_share_names("marketing", other) for other in ("marketing", "market", "marketingweb", "web-marketing"))
