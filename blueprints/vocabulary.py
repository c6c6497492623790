"""The mesh's vocabulary: a domain's file names, tag keys, classifications and their limits, written once.

Components tag with these keys, the policy pack checks them, the catalog writes them into Glue
parameters and the review reads them back; every one of those imports the name from here.
"""

from __future__ import annotations

from typing import Literal, get_args

DOMAIN_FILE = "domain.yaml"  # a domain's blueprint
PROJECT_FILE = "Pulumi.yaml"  # the Pulumi project that deploys it

TAG_DOMAIN = "dmesh:domain"
TAG_OWNER = "dmesh:owner"
TAG_CLASSIFICATION = "dmesh:classification"
TAG_COST_CENTER = "dmesh:cost-center"
TAG_PRODUCT = "dmesh:product"
# what every taggable resource must carry (the `required-tags` rule's default)
REQUIRED_TAGS: tuple[str, ...] = (TAG_DOMAIN, TAG_OWNER, TAG_CLASSIFICATION, TAG_COST_CENTER)


def label_key(tag_key: str) -> str:
    """A tag key as a Kubernetes label key (`dmesh:domain` becomes `dmesh/domain`)."""
    return tag_key.replace(":", "/", 1)


# least sensitive first: a product may not be classified below what it reads or holds
Classification = Literal["public", "internal", "confidential", "restricted"]
CLASSIFICATIONS: tuple[str, ...] = get_args(Classification)
PERSONAL_DATA = "restricted"
# the longest a bucket may keep data of each classification (`retention-within-limit`'s default)
MAX_RETENTION_DAYS: dict[str, int] = {"public": 3650, "internal": 3650, "confidential": 2555, "restricted": 365}

# The monitors the platform puts on a product (each one CloudWatch alarm, whose name ends with the kind)
MONITOR_S3_FRESHNESS = "s3-freshness"  # no new object under the product's prefix within the freshness window
MONITOR_STREAM_FRESHNESS = "stream-freshness"  # no record put on the product's stream within the window
MONITOR_CONSUMER_LAG = "consumer-lag"  # a consumer of the stream reads records older than the window
MONITOR_PIPELINE_FAILED = "pipeline-failed"  # the pipeline reported a failed run
MONITOR_PIPELINE_MISSED = "pipeline-missed"  # the pipeline reported no successful run when its schedule said it would
# The metrics a pipeline publishes (value 1, dimension `Product`) in its domain's namespace, at the end of each run
METRIC_RUN_SUCCEEDED = "RunSucceeded"
METRIC_RUN_FAILED = "RunFailed"
METRIC_PRODUCT_DIMENSION = "Product"
# Whether a product's alarms notify its domain's topic (paging) or only change state (advisory)
Alerting = Literal["paging", "advisory"]
TAG_MONITOR = "dmesh:monitor"  # on an alarm: the monitor kind it implements (the `sla-monitored` rule reads it)
# Glue table parameters that carry a product's promises (read back by the `sla-monitored` rule)
PARAM_SLA_FRESHNESS = "dmesh:sla-freshness-hours"
PARAM_SLA_AVAILABILITY = "dmesh:sla-availability"
