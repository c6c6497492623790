"""Stack configuration every domain stack needs, read once and checked with a clear message."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from blueprints import arns, naming

ACCOUNT = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class PlatformSettings:
    region: str
    account_id: str
    oidc_provider_arn: str
    # the platform stack's buckets: derived from the naming scheme, never configured per stack
    audit_bucket: str = naming.AUDIT_BUCKET
    catalog_bucket: str = naming.CATALOG_BUCKET

    @property
    def partition(self) -> str:
        return arns.partition_of(self.region)

    @property
    def oidc_issuer(self) -> str:
        """Issuer host path of the cluster's OIDC provider, used in IRSA trust conditions."""
        return self.oidc_provider_arn.split(":oidc-provider/", 1)[-1]


def _require(namespace: str, key: str, stack_file: str) -> str:
    value = pulumi.Config(namespace).get(key)
    if not value:
        raise pulumi.RunError(
            f"missing stack config '{namespace}:{key}': add it to {stack_file} "
            f"(pulumi config set {namespace}:{key} <value>)"
        )
    return value


def load_settings() -> PlatformSettings:
    """Read the platform's stack config; a missing key stops the program naming key and file."""
    stack_file = f"Pulumi.{pulumi.get_stack()}.yaml"
    settings = PlatformSettings(
        region=_require("aws", "region", stack_file),
        account_id=_require("dmesh", "accountId", stack_file),
        oidc_provider_arn=_require("dmesh", "oidcProviderArn", stack_file),
    )
    if not ACCOUNT.fullmatch(settings.account_id):
        raise pulumi.RunError(f"stack config 'dmesh:accountId' must be a 12-digit AWS account id (in {stack_file})")
    return settings
