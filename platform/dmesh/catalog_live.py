"""The deployed registry: every ODPS document the stacks wrote under `products/` in the catalog bucket."""

from __future__ import annotations

import json
from typing import Any

from blueprints import naming

from .catalog_search import Entry, from_odps

REGISTRY_PREFIX = "products/"


class LiveError(Exception):
    """The catalog bucket cannot be read: where, and what to do."""


def read_registry(bucket: str = naming.CATALOG_BUCKET, region: str | None = None, endpoint_url: str | None = None) -> list[Entry]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    try:
        s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint_url,
                          config=boto3.session.Config(s3={"addressing_style": "path"}) if endpoint_url else None)
        found: list[Entry] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=REGISTRY_PREFIX):
            for item in page.get("Contents", []):
                if not item["Key"].endswith(".json"):
                    continue
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                try:
                    document: Any = json.loads(body)
                except ValueError:
                    continue  # not a registry document: nothing to show for it
                if isinstance(document, dict) and document.get("kind") == "DataProduct":
                    found.append(from_odps(document))
        return sorted(found, key=lambda e: e.id)
    except NoRegionError:
        raise LiveError("no AWS region: pass --region or set AWS_REGION") from None
    except NoCredentialsError:
        raise LiveError("no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (for LocalStack, any value)") from None
    except EndpointConnectionError as exc:
        raise LiveError(f"cannot reach S3 at {exc.kwargs.get('endpoint_url')}: check --endpoint-url (LocalStack: `dmesh local start`)") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise LiveError(f"cannot read s3://{bucket}/{REGISTRY_PREFIX}: {error.get('Code')}: {error.get('Message')} "
                        "(is the platform stack deployed, and --bucket right?)") from None
    except BotoCoreError as exc:
        raise LiveError(f"S3 could not be read: {exc}") from None
