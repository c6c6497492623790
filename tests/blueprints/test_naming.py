"""Physical names follow dm-<domain>-<product> and stay within AWS limits deterministically."""

from __future__ import annotations

from blueprints import naming


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
