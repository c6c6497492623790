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


TABLE_PARAMETER = "dmesh:table"  # on each table of a multi-table product: the schema object it publishes


@dataclass(frozen=True)
class TableArgs:
    key: str  # names the Glue table resource (`<catalog>-<key>-table`)
    name: str  # the Glue table's name
    description: str
    columns: Sequence[Column]
    location: pulumi.Input[str]
    parameters: Mapping[str, str]
    partition_keys: Sequence[Column] = ()


@dataclass(frozen=True)
class ProductEntryArgs:
    product: str
    format: str  # a key of SERDES
    tables: Sequence[TableArgs]
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
            self._product_entries(name, entry, args.catalog_bucket)
        self.name = self.database.name
        self.arn = self.database.arn
        self.register_outputs({"database": self.name})

    def _product_entries(self, catalog: str, entry: ProductEntryArgs, catalog_bucket: str) -> None:
        input_format, output_format, serde, serde_params = SERDES[entry.format]
        for table in entry.tables:
            columns = [aws.glue.CatalogTableStorageDescriptorColumnArgs(name=c.name, type=c.glue_type, comment=c.description[:GLUE_COMMENT_MAX] or None)
                       for c in table.columns]
            keys = [aws.glue.CatalogTablePartitionKeyArgs(name=c.name, type=c.glue_type, comment=c.description[:GLUE_COMMENT_MAX] or None)
                    for c in table.partition_keys]
            aws.glue.CatalogTable(
                f"{catalog}-{table.key}-table",
                name=table.name,
                database_name=self.database.name,
                table_type="EXTERNAL_TABLE",
                description=table.description or None,
                parameters=dict(table.parameters),
                partition_keys=keys or None,
                storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                    location=table.location, input_format=input_format, output_format=output_format, columns=columns,
                    ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(serialization_library=serde, parameters=serde_params or None),
                ),
                opts=pulumi.ResourceOptions(parent=self, protect=True),
            )
        aws.s3.BucketObjectv2(
            f"{catalog}-{entry.product}-registry",
            bucket=catalog_bucket,
            key=entry.registry_key,
            content=entry.registry_document,
            content_type="application/json",
            tags=dict(entry.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )

