"""Catalog entries: a Glue database per domain, a Glue table and a registry document per product."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from blueprints.spec import Column


# format -> (input format, output format, SerDe, SerDe parameters)
SERDES = {
    "parquet": ("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", {}),
    "json": ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
             "org.openx.data.jsonserde.JsonSerDe", {}),
    "csv": ("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", {"field.delim": ","}),
}
GLUE_COMMENT_MAX = 255


@dataclass(frozen=True)
class ProductEntryArgs:
    product: str
    table: str
    description: str
    columns: Sequence[Column]
    format: str  # a key of SERDES
    location: pulumi.Input[str]
    parameters: Mapping[str, str]
    registry_key: str
    registry_document: str  # JSON
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DomainCatalogArgs:
    database: str
    description: str
    parameters: Mapping[str, str]
    catalog_bucket: str
    products: Sequence[ProductEntryArgs] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


class DomainCatalog(pulumi.ComponentResource):
    def __init__(self, name: str, args: DomainCatalogArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:catalog:DomainCatalog", name, None, opts)
        self.database = aws.glue.CatalogDatabase(
            f"{name}-database", name=args.database, description=args.description, parameters=dict(args.parameters), tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        for entry in args.products:
            self._product_entries(f"{name}-{entry.product}", entry, args.catalog_bucket)
        self.name = self.database.name
        self.arn = self.database.arn
        self.register_outputs({"database": self.name})

    def _product_entries(self, name: str, entry: ProductEntryArgs, catalog_bucket: str) -> None:
        columns = [aws.glue.CatalogTableStorageDescriptorColumnArgs(name=c.name, type=c.glue_type, comment=c.description[:GLUE_COMMENT_MAX] or None)
                   for c in entry.columns]
        input_format, output_format, serde, serde_params = SERDES[entry.format]
        aws.glue.CatalogTable(
            f"{name}-table",
            name=entry.table,
            database_name=self.database.name,
            table_type="EXTERNAL_TABLE",
            description=entry.description or None,
            parameters=dict(entry.parameters),
            storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                location=entry.location, input_format=input_format, output_format=output_format, columns=columns,
                ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(serialization_library=serde, parameters=serde_params or None),
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )
        aws.s3.BucketObjectv2(
            f"{name}-registry",
            bucket=catalog_bucket,
            key=entry.registry_key,
            content=entry.registry_document,
            content_type="application/json",
            tags=dict(entry.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )

