"""A domain folder loads into one immutable DomainSpec, or fails with every finding located."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from blueprints import BlueprintError, load_domain, load_presets
from meshtest import EXAMPLE_MESH, line_of


@pytest.fixture(scope="module")
def presets():
    return load_presets()


def findings_of(folder: Path, presets) -> list:
    with pytest.raises(BlueprintError) as info:
        load_domain(folder, presets)
    return info.value.findings


def test_example_domain_resolves_preset_defaults(presets):
    spec = load_domain(EXAMPLE_MESH / "sales", presets)
    customers = spec.product("customers")
    assert customers is not None
    # batch@1 supplies the port, schedule and resources that the product leaves out
    assert customers.s3 is not None and customers.s3.format == "parquet" and customers.kinesis is None
    assert customers.pipeline is not None and customers.pipeline.schedule == "0 2 * * *" and customers.pipeline.cpu == "500m"
    orders = spec.product("orders")
    assert orders is not None and orders.kinesis is not None and orders.kinesis.retention_hours == 48
    assert [str(i) for i in orders.inputs] == ["marketing.campaigns"]
    assert orders.grants == ("marketing", "ml-features")
    assert spec.quota.cpu == "8" and spec.quota.pods == 40
    assert spec.classification == "restricted"  # the highest of its products


def test_spec_is_immutable(presets):
    spec = load_domain(EXAMPLE_MESH / "sales", presets)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"  # type: ignore[misc]


def test_product_without_ports_gets_preset_ports(presets):
    spec = load_domain(EXAMPLE_MESH / "marketing", presets)  # streaming@1: kinesis + s3 json
    events = spec.product("web-events")
    assert events is not None and events.kinesis is not None and events.s3 is not None and events.s3.format == "json"


def test_contract_columns_become_glue_types(presets):
    spec = load_domain(EXAMPLE_MESH / "sales", presets)
    columns = {c.name: c.glue_type for c in spec.product("customers").contract.columns}
    assert columns["customer_id"] == "string"
    assert columns["registered_on"] == "date"
    assert columns["marketing_consent"] == "boolean"
    assert columns["addresses"] == "array<struct<street:string,city:string,postcode:string>>"
    orders = {c.name: c.glue_type for c in spec.product("orders").contract.columns}
    assert orders["amount"] == "decimal(12,2)" and orders["line_no"] == "int" and orders["quantity"] == "bigint"


@pytest.mark.parametrize(
    ("old", "new", "field", "message", "needle"),
    [
        ("name: sales\n", "name: Sales\n", "metadata.name", "'Sales' does not match the expected format", "name: Sales"),
        ("name: sales\n", "name: sa\n", "metadata.name", "at least 3 characters", "name: sa"),
        ("owner: sales-data@acme.example", "owner: nobody", "metadata.owner", "'nobody' does not match the expected format", "owner: nobody"),
        ("blueprint: batch@1", "blueprint: batch", "spec.blueprint", "'batch' does not match the expected format", "blueprint: batch"),
        ("retentionDays: 365\n      inputs", "retentionDays: forever\n      inputs", "spec.dataProducts[0].retentionDays", "'forever': Input should be a valid integer", "retentionDays: forever"),
        ("classification: confidential", "classification: secret", "spec.dataProducts[0].classification", "'secret': Input should be 'public', 'internal', 'confidential' or 'restricted'",
         "classification: secret"),
        ("- {type: kinesis, retentionHours: 48}", "- {type: ftp}", "spec.dataProducts[0].outputPorts[1]", "does not match any of the expected tags", "{type: ftp}"),
        ("- {type: s3, format: parquet}", "- {type: s3, format: xlsx}", "spec.dataProducts[0].outputPorts[0].format", "'parquet', 'json' or 'csv'", "format: xlsx"),
        ("inputs: [marketing.campaigns]", "inputs: [campaigns]", "spec.dataProducts[0].inputs[0]", "'campaigns' does not match the expected format", "inputs: [campaigns]"),
        ("    - name: orders\n", "    - name: orders\n      colour: blue\n", "spec.dataProducts[0].colour", "unknown field", "colour: blue"),
        ("apiVersion: dmesh/v1", "apiVersion: dmesh/v2", "apiVersion", "'dmesh/v1'", "apiVersion: dmesh/v2"),
    ],
)
def test_invalid_fields_are_located(mesh, edit, presets, old, new, field, message, needle):
    file = edit("sales/domain.yaml", old, new)
    findings = findings_of(mesh / "sales", presets)
    matching = [f for f in findings if f.field == field]
    assert matching, [f.render() for f in findings]
    assert message in matching[0].message
    assert matching[0].line == line_of(file, needle)
    assert matching[0].file == file


def test_missing_required_field_points_at_parent(mesh, edit, presets):
    file = edit("sales/domain.yaml", "  costCenter: CC-1042\n", "")
    [finding] = findings_of(mesh / "sales", presets)
    assert (finding.field, finding.message, finding.line) == ("metadata.costCenter", "Field required", line_of(file, "metadata:"))


def test_every_error_of_a_file_is_reported(mesh, edit, presets):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    edit("sales/domain.yaml", "classification: public", "classification: open")
    fields = {f.field for f in findings_of(mesh / "sales", presets)}
    assert {"metadata.owner", "spec.dataProducts[2].classification"} <= fields


def test_malformed_yaml_names_the_line(mesh, edit, presets):
    file = edit("sales/domain.yaml", "  costCenter: CC-1042\n", "  costCenter: [CC-1042\n")
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.message.startswith("malformed YAML")
    assert finding.file == file and finding.line >= line_of(file, "costCenter")


def test_not_a_mapping(mesh, presets):
    (mesh / "sales" / "domain.yaml").write_text("- just\n- a list\n")
    [finding] = findings_of(mesh / "sales", presets)
    assert "must be a mapping" in finding.message and finding.line == 1


def test_unknown_preset_lists_the_known_ones(mesh, edit, presets):
    file = edit("sales/domain.yaml", "blueprint: batch@1", "blueprint: batch@7")
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.message == "unknown preset 'batch@7'"
    assert finding.hint == f"use one of {', '.join(sorted(load_presets()))}"
    assert finding.line == line_of(file, "blueprint: batch@7")


def test_missing_contract_file(mesh, presets):
    (mesh / "sales" / "contracts" / "customers.odcs.yaml").unlink()
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.field == "spec.dataProducts[1].contract"
    assert "contracts/customers.odcs.yaml not found" in finding.message
    assert finding.line == line_of(mesh / "sales" / "domain.yaml", "contract: contracts/customers.odcs.yaml")


def test_contract_outside_the_domain_folder_is_refused(mesh, edit, presets):
    edit("sales/domain.yaml", "contract: contracts/customers.odcs.yaml", "contract: ../marketing/contracts/campaigns.odcs.yaml")
    [finding] = findings_of(mesh / "sales", presets)
    assert "inside the domain folder" in finding.message


@pytest.mark.parametrize("with_contracts", [True, False])
def test_a_contract_linked_to_a_file_outside_the_domain_folder_is_refused(mesh, presets, with_contracts, tmp_path):
    outside = tmp_path / "elsewhere.odcs.yaml"
    outside.write_text((mesh / "sales" / "contracts" / "customers.odcs.yaml").read_text())
    link = mesh / "sales" / "contracts" / "customers.odcs.yaml"
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(BlueprintError) as caught:
        load_domain(mesh / "sales", presets, with_contracts=with_contracts)
    [finding] = caught.value.findings
    assert "inside the domain folder" in finding.message and finding.field == "spec.dataProducts[1].contract"


@pytest.mark.parametrize("path", ['"contracts/customers\\0.odcs.yaml"', '"contracts/customers.odcs.yaml\\t"', '"contracts/\\ncustomers.odcs.yaml"',
                                  '"contracts/customers.odcs.yaml\\x7f"'])
def test_a_contract_path_with_control_characters_is_a_finding(mesh, edit, presets, path):
    edit("sales/domain.yaml", "contract: contracts/customers.odcs.yaml", f"contract: {path}")
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.field == "spec.dataProducts[1].contract" and "without control characters" in finding.hint


@pytest.mark.parametrize("image", ['"registry.example.com/job:1\\0"', '"registry.example.com/job:1\\n"', '"registry.example.com/job:1\\x1b[31m"'])
def test_an_image_with_control_characters_is_a_finding(mesh, edit, presets, image):
    edit("sales/domain.yaml", "image: registry.acme.example/sales/orders:1.4.2", f"image: {image}")
    findings = findings_of(mesh / "sales", presets)
    assert findings and all(f.field.endswith(".pipeline.image") and "control characters" in f.hint for f in findings)


@pytest.mark.parametrize("with_contracts", [True, False])
def test_a_contract_path_through_links_that_loop_is_a_finding(mesh, presets, with_contracts):
    contracts = mesh / "sales" / "contracts"
    contracts.rename(mesh / "sales" / "contracts-moved")
    contracts.symlink_to("contracts")  # points at itself
    with pytest.raises(BlueprintError) as caught:
        load_domain(mesh / "sales", presets, with_contracts=with_contracts)
    assert {f.field for f in caught.value.findings} == {f"spec.dataProducts[{i}].contract" for i in range(3)}
    assert all("cannot be followed" in f.message and f.line > 0 for f in caught.value.findings)


def test_a_domain_folder_reached_through_a_link_loads_as_the_folder_itself(mesh, presets, tmp_path):
    link = tmp_path / "linked"
    link.mkdir()
    (link / "sales").symlink_to(mesh / "sales", target_is_directory=True)
    spec = load_domain(link / "sales", presets)
    assert spec == load_domain(mesh / "sales", presets) and spec.folder == (mesh / "sales").resolve()


def test_duplicate_product_names(mesh, edit, presets):
    file = edit("sales/domain.yaml", "    - name: store-locations", "    - name: orders")
    findings = findings_of(mesh / "sales", presets)
    dup = [f for f in findings if "duplicate data product name" in f.message]
    assert dup and dup[0].field == "spec.dataProducts[2].name"
    assert dup[0].line == line_of(file, "description: Physical stores") - 1


def test_product_classification_below_its_contract(mesh, edit, presets):
    file = edit("sales/domain.yaml", "classification: restricted", "classification: internal")
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.field == "spec.dataProducts[1].classification"
    assert "column 'email' is restricted" in finding.message
    assert finding.line == line_of(file, "classification: internal")
    assert "customers.odcs.yaml:" in finding.message


def test_folder_must_match_the_domain_name(mesh, presets):
    (mesh / "sales").rename(mesh / "shop")
    [finding] = findings_of(mesh / "shop", presets)
    assert finding.field == "metadata.name" and "lives in folder 'shop'" in finding.message


def test_self_grant_is_refused(mesh, edit, presets):
    edit("sales/domain.yaml", "grants: [{domain: marketing}, {domain: ml-features}]", "grants: [{domain: sales}]")
    [finding] = findings_of(mesh / "sales", presets)
    assert finding.field == "spec.dataProducts[0].grants[0]" and "cannot grant itself" in finding.message


def test_loading_writes_nothing(mesh, presets):
    before = {p: p.stat().st_mtime_ns for p in mesh.rglob("*")}
    load_domain(mesh / "sales", presets)
    assert {p: p.stat().st_mtime_ns for p in mesh.rglob("*")} == before


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ('schedule: "0 * * * *"', 'schedule: "99 * * * *"', "spec.dataProducts[0].pipeline.schedule",
     "'99 * * * *' is not a cron schedule (minute hour day-of-month month day-of-week, or @daily and the like)"),
    ('schedule: "0 * * * *"', 'schedule: "* * * * * *"', "spec.dataProducts[0].pipeline.schedule", "'* * * * * *' does not match the expected format"),
    # croniter's extensions a CronJob refuses, and a day no month has (the CronJob would never run)
    ('schedule: "0 * * * *"', 'schedule: "0 9 * * 1#2"', "spec.dataProducts[0].pipeline.schedule", "'0 9 * * 1#2' does not match the expected format"),
    ('schedule: "0 * * * *"', 'schedule: "0 9 L * *"', "spec.dataProducts[0].pipeline.schedule", "'0 9 L * *' does not match the expected format"),
    ('schedule: "0 * * * *"', 'schedule: "H * * * *"', "spec.dataProducts[0].pipeline.schedule", "'H * * * *' does not match the expected format"),
    ('schedule: "0 * * * *"', 'schedule: "0 0 30 2 *"', "spec.dataProducts[0].pipeline.schedule", "'0 0 30 2 *' never runs: no month has that day"),
    ('schedule: "0 * * * *"', 'schedule: "0 0 31 4,6 *"', "spec.dataProducts[0].pipeline.schedule", "'0 0 31 4,6 *' never runs: no month has that day"),
    ("cpu: 500m", "cpu: 0m", "spec.dataProducts[0].pipeline.cpu", "'0m' is zero; ask for the CPU or memory the container needs"),
    ("memory: 1Gi}", 'memory: "0"}', "spec.dataProducts[0].pipeline.memory", "'0' is zero; ask for the CPU or memory the container needs"),
    ("memory: 1Gi}", "memory: 0}", "spec.dataProducts[0].pipeline.memory", "0: Input should be a valid string"),
    ("inputs: [marketing.campaigns]", "inputs: [marketing.campaigns, marketing.campaigns]", "spec.dataProducts[0].inputs[1]",
     "duplicate input 'marketing.campaigns'"),
])
def test_pipelines_and_inputs_the_platform_cannot_use(mesh, edit, old, new, field, message):
    file = edit("sales/domain.yaml", old, new)
    with pytest.raises(BlueprintError) as caught:
        load_domain(file.parent, load_presets())
    assert [(f.field, f.message) for f in caught.value.findings] == [(field, message)]


def test_descriptions_longer_than_glue_accepts_are_refused(mesh, edit):
    file = edit("sales/domain.yaml", "description: One row per order line", "description: " + "x" * 2049)
    with pytest.raises(BlueprintError) as caught:
        load_domain(file.parent, load_presets())
    [finding] = caught.value.findings
    assert finding.field == "spec.dataProducts[0].description" and "at most 2048 characters" in finding.message


@pytest.mark.parametrize("domain", sorted(p.name for p in EXAMPLE_MESH.iterdir() if (p / "domain.yaml").is_file()))
def test_a_complete_spec_summarised_equals_a_load_without_contracts(presets, domain):
    complete = load_domain(EXAMPLE_MESH / domain, presets)
    assert complete.summary() == load_domain(EXAMPLE_MESH / domain, presets, with_contracts=False)
    assert complete.summary() != complete  # the contracts were read, and the summary drops them
