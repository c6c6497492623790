"""The provider SDK modules the components build from.

pulumi-aws and pulumi-kubernetes load their modules lazily, on first attribute access, and some are slow to load
(`pulumi_kubernetes.core.v1` alone takes 0.4-0.7 s). A process that will run many programs (the review's forking
worker) or judge many resources (the policy pack, whose tag rule reads each AWS class) loads them once, up front,
while it has nothing else to do. tests/components/test_providers.py checks that every module a domain program or the
platform program loads is listed here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

AWS_MODULES = ("pulumi_aws.cloudwatch", "pulumi_aws.glue", "pulumi_aws.iam", "pulumi_aws.kinesis", "pulumi_aws.kms", "pulumi_aws.s3",
               "pulumi_aws.sns")
KUBERNETES_MODULES = ("pulumi_kubernetes.apiextensions", "pulumi_kubernetes.batch", "pulumi_kubernetes.batch.v1",
                      "pulumi_kubernetes.core.v1", "pulumi_kubernetes.meta.v1", "pulumi_kubernetes.networking.v1")
PROVIDER_MODULES = AWS_MODULES + KUBERNETES_MODULES


def load_provider_modules(names: Iterable[str] = PROVIDER_MODULES) -> None:
    for name in names:
        getattr(importlib.import_module(name), "__all__", None)  # any attribute but the introspection ones loads it
