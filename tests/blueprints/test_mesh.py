"""Rules that need every domain in view: references, grants, lineage, classification, overrides."""

from __future__ import annotations

import pytest

from blueprints import load_mesh
from meshtest import EXAMPLE_MESH, line_of

RULES = {"s3-tls-only": "advisory", "stateful-resources-protected": "advisory", "s3-versioning-enabled": "mandatory"}


def test_example_mesh_is_valid():
    mesh = load_mesh(EXAMPLE_MESH, RULES)
    assert mesh.findings == []
    assert sorted(mesh.domains) == ["marketing", "ml-features", "sales"]


def test_example_mesh_uses_every_classification_and_both_port_types():
    mesh = load_mesh(EXAMPLE_MESH, RULES)
    products = [p for d in mesh.domains.values() for p in d.products]
    assert {p.classification for p in products} == {"public", "internal", "confidential", "restricted"}
    assert any(p.s3 for p in products) and any(p.kinesis for p in products)
    assert any(ref.domain != d.name for d in mesh.domains.values() for p in d.products for ref in p.inputs)


def only(mesh_root):
    findings = load_mesh(mesh_root, RULES).findings
    assert len(findings) == 1, [f.render() for f in findings]
    return findings[0]


def test_input_from_unknown_domain(mesh, edit):
    file = edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [finance.ledger]")
    f = only(mesh)
    assert (f.field, f.message, f.line) == ("spec.dataProducts[0].inputs[0]", "unknown domain 'finance'", line_of(file, "finance.ledger"))


def test_input_of_unknown_product(mesh, edit):
    edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [marketing.budgets]")
    f = only(mesh)
    assert f.message == "domain 'marketing' has no product 'budgets'" and "campaigns" in f.hint


def test_input_without_grant(mesh, edit):
    edit("marketing/domain.yaml", "grants: [{domain: sales}, {domain: ml-features}]", "grants: [{domain: ml-features}]")
    f = only(mesh)
    assert f.file == mesh / "sales" / "domain.yaml"
    assert f.message == "marketing.campaigns does not grant domain 'sales'"
    assert "marketing-analytics@acme.example" in f.hint


def test_grant_to_unknown_domain(mesh, edit):
    file = edit("sales/domain.yaml", "grants: [{domain: marketing}, {domain: ml-features}]",
                "grants: [{domain: marketing}, {domain: ml-features}, {domain: finance}]")
    f = only(mesh)
    assert (f.field, f.message) == ("spec.dataProducts[0].grants[2].domain", "grant to unknown domain 'finance'")
    assert f.line == line_of(file, "{domain: finance}")


def test_lineage_cycle(mesh, edit):
    # marketing.campaigns reads sales.store-locations already (and grants sales); make store-locations read campaigns back
    file = edit("sales/domain.yaml", "      retentionDays: 730\n", "      retentionDays: 730\n      inputs: [marketing.campaigns]\n")
    f = only(mesh)
    assert f.message == "lineage cycle: marketing.campaigns <- sales.store-locations <- marketing.campaigns"
    assert (f.file, f.field, f.line) == (file, "spec.dataProducts[2].inputs", line_of(file, "retentionDays: 730") + 1)


def test_self_input_cycle(mesh, edit):
    edit("ml-features/domain.yaml", "inputs: [ml-features.churn-features]", "inputs: [ml-features.churn-scores]")
    f = only(mesh)
    assert f.message == "lineage cycle: ml-features.churn-scores <- ml-features.churn-scores"


def test_restricted_input_makes_output_restricted(mesh, edit):
    file = edit("ml-features/domain.yaml", "      classification: restricted\n      retentionDays: 90", "      classification: confidential\n      retentionDays: 90")
    f = only(mesh)
    assert f.field == "spec.dataProducts[1].classification"
    assert f.message == "reads restricted input ml-features.churn-features but is classified confidential"
    assert f.line == line_of(file, "classification: confidential")


@pytest.mark.parametrize(("rule", "message"), [
    ("no-such-rule", "unknown policy rule 'no-such-rule'"),
    ("s3-versioning-enabled", "'s3-versioning-enabled' is a mandatory global rule; a domain cannot override it (asked: disabled)"),
])
def test_overrides(mesh, edit, rule, message):
    file = edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", f"overrides: {{{rule}: disabled}}")
    f = only(mesh)
    assert (f.field, f.message, f.line) == (f"spec.governance.overrides.{rule}", message, line_of(file, "overrides:"))


def test_broken_domain_does_not_cascade(mesh, edit):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    findings = load_mesh(mesh, RULES).findings
    # ml-features and marketing read sales products; only the real error is reported
    assert [f.field for f in findings] == ["metadata.owner"]
