"""Catalog entries: a Glue database per domain, a Glue table and a registry document per product."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from blueprints import DomainSpec, ProductSpec, naming
from blueprints.descriptor import describe_product
from blueprints.vocabulary import TAG_CLASSIFICATION, TAG_DOMAIN, TAG_OWNER, TAG_PRODUCT

from . import tagging
from .settings import PlatformSettings

SERDES = {
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {}),
    "json": ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
             "org.openx.data.jsonserde.JsonSerDe", {}),
    "csv": ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", {"field.delim": ","}),
}


def table_parameters(spec: DomainSpec, product: ProductSpec) -> dict[str, str]:
    """Glue's `classification` is the data format; the mesh's sensitivity goes under `dmesh:`."""
    params = {
        "EXTERNAL": "TRUE",
        TAG_DOMAIN: spec.name,
        TAG_PRODUCT: product.name,
        TAG_OWNER: spec.owner,
        TAG_CLASSIFICATION: product.classification,
        "dmesh:contract-id": product.contract.id,
        "dmesh:contract-version": product.contract.version,
        "dmesh:sla-freshness-hours": str(product.sla.freshness_hours or ""),
        "dmesh:sla-availability": str(product.sla.availability or ""),
    }
    if product.s3:
        params["classification"] = product.s3.format
        if product.s3.format == "csv":
            params["skip.header.line.count"] = "1"
    else:
        params["classification"] = "json"
        params["typeOfData"] = "kinesis"
    return params


class DomainCatalog(pulumi.ComponentResource):
    def __init__(self, name: str, spec: DomainSpec, bucket_names: dict[str, pulumi.Output[str]], settings: PlatformSettings,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:catalog:DomainCatalog", name, None, opts)
        self.database = aws.glue.CatalogDatabase(
            f"{name}-database", name=naming.glue_database(spec.name), description=spec.description or f"dmesh domain {spec.name}",
            parameters={TAG_OWNER: spec.owner, TAG_DOMAIN: spec.name}, tags=tagging.tags(spec),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for product in spec.products:
            self._product_entries(f"{name}-{product.name}", spec, product, bucket_names.get(product.name), settings)
        self.database_name = self.database.name
        self.register_outputs({"database": self.database.name})

    def _product_entries(self, name: str, spec: DomainSpec, product: ProductSpec, bucket: pulumi.Output[str] | None,
                         settings: PlatformSettings) -> None:
        columns = [aws.glue.CatalogTableStorageDescriptorColumnArgs(name=c.name, type=c.glue_type, comment=c.description[:255] or None)
                   for c in product.contract.columns]
        if product.s3 is not None and bucket is not None:
            input_format, output_format, serde, serde_params = SERDES[product.s3.format]
            location = bucket.apply(lambda b: f"s3://{b}/{naming.product_prefix(product.name)}")
        else:
            input_format, output_format, serde, serde_params = SERDES["json"]
            location = naming.stream_name(spec.name, product.name)
        aws.glue.CatalogTable(
            f"{name}-table",
            name=naming.glue_table(product.name),
            database_name=self.database.name,
            table_type="EXTERNAL_TABLE",
            description=product.description or None,
            parameters=table_parameters(spec, product),
            storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                location=location, input_format=input_format, output_format=output_format, columns=columns,
                ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(serialization_library=serde, parameters=serde_params or None),
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        descriptor = describe_product(spec, product, settings.account_id, settings.region)
        aws.s3.BucketObjectv2(
            f"{name}-registry",
            bucket=settings.catalog_bucket,
            key=naming.registry_key(spec.name, product.name),
            content=descriptor.model_dump_json(indent=2),
            content_type="application/json",
            tags=tagging.tags(spec, product),
            opts=pulumi.ResourceOptions(parent=self),
        )
