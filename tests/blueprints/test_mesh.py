"""Rules that need every domain in view: references, grants, lineage, classification, overrides.

Each finding is compared whole (file, line, field, message and hint): what a domain team reads is the spec.
"""

from __future__ import annotations

import pytest

from blueprints import Finding, ProductRef, load_mesh
from blueprints import mesh as mesh_module
from meshtest import EXAMPLE_MESH, line_of

RULES = {"s3-tls-only": "advisory", "stateful-resources-protected": "advisory", "s3-versioning-enabled": "mandatory"}
KNOWN = "known domains: marketing, ml-features, sales"


def test_example_mesh_is_valid():
    mesh = load_mesh(EXAMPLE_MESH, RULES)
    assert mesh.findings == [] and mesh.valid and mesh.broken == frozenset() and mesh.root == EXAMPLE_MESH
    assert sorted(mesh.domains) == ["marketing", "ml-features", "sales"]


def test_example_mesh_uses_every_classification_and_both_port_types():
    mesh = load_mesh(EXAMPLE_MESH, RULES)
    products = [p for d in mesh.domains.values() for p in d.products]
    assert {p.classification for p in products} == {"public", "internal", "confidential", "restricted"}
    assert any(p.s3 for p in products) and any(p.kinesis for p in products)
    assert any(ref.domain != d.name for d in mesh.domains.values() for p in d.products for ref in p.inputs)


def only(mesh_root) -> Finding:
    findings = load_mesh(mesh_root, RULES).findings
    assert len(findings) == 1, [f.render() for f in findings]
    return findings[0]


def test_input_from_unknown_domain(mesh, edit):
    file = edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [finance.ledger]")
    assert only(mesh) == Finding(file, line_of(file, "finance.ledger"), "spec.dataProducts[0].inputs[0]", "unknown domain 'finance'", KNOWN)


def test_input_of_unknown_product(mesh, edit):
    file = edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [marketing.budgets]")
    assert only(mesh) == Finding(file, line_of(file, "marketing.budgets"), "spec.dataProducts[0].inputs[0]",
                                 "domain 'marketing' has no product 'budgets'", "its products: web-events, campaigns")


def test_input_without_grant(mesh, edit):
    edit("marketing/domain.yaml", "grants: [{domain: sales}, {domain: ml-features}]", "grants: [{domain: ml-features}]")
    file = mesh / "sales" / "domain.yaml"
    assert only(mesh) == Finding(file, line_of(file, "inputs: [marketing.campaigns]"), "spec.dataProducts[0].inputs[0]",
                                 "marketing.campaigns does not grant domain 'sales'",
                                 "ask marketing-analytics@acme.example to add `grants: [{domain: sales}]` to campaigns")


def test_grant_to_unknown_domain(mesh, edit):
    file = edit("sales/domain.yaml", "grants: [{domain: marketing}, {domain: ml-features}]",
                "grants: [{domain: marketing}, {domain: ml-features}, {domain: finance}]")
    assert only(mesh) == Finding(file, line_of(file, "{domain: finance}"), "spec.dataProducts[0].grants[2].domain",
                                 "grant to unknown domain 'finance'", KNOWN)


def test_lineage_cycle(mesh, edit):
    """A cycle is each of its products' error: each is told at its own inputs, the cycle read from itself."""
    # marketing.campaigns reads sales.store-locations already (and grants sales); make store-locations read campaigns back
    sales = edit("sales/domain.yaml", "      retentionDays: 730\n", "      retentionDays: 730\n      inputs: [marketing.campaigns]\n")
    marketing = mesh / "marketing" / "domain.yaml"
    hint = "a product cannot depend on itself, directly or through other products"
    assert sorted(load_mesh(mesh, RULES).findings, key=lambda f: str(f.file)) == [
        Finding(marketing, line_of(marketing, "inputs: [marketing.web-events, sales.store-locations]"), "spec.dataProducts[1].inputs",
                "lineage cycle: marketing.campaigns <- sales.store-locations <- marketing.campaigns", hint),
        Finding(sales, line_of(sales, "retentionDays: 730") + 1, "spec.dataProducts[2].inputs",
                "lineage cycle: sales.store-locations <- marketing.campaigns <- sales.store-locations", hint),
    ]


def test_a_cycle_is_told_through_its_fewest_products():
    """Of the cycles through a product, the shortest is named, whichever product the search met first."""
    a, b, c = (ProductRef("d", name) for name in "abc")
    graph = {a: (b,), b: (c, a), c: (a,)}  # a <- b <- a, and a <- b <- c <- a
    cycles = mesh_module._cycles(graph)
    assert set(cycles) == {a, b, c}
    assert [mesh_module._shortest_cycle(graph, node, cycles[node]) for node in (a, b, c)] == [[a, b, a], [b, a, b], [c, a, b, c]]


def test_a_lineage_chain_longer_than_the_recursion_limit_is_judged():
    chain = [ProductRef("d", f"p{i}") for i in range(5000)]
    graph = {node: (chain[i + 1],) if i + 1 < len(chain) else () for i, node in enumerate(chain)}
    assert mesh_module._cycles(graph) == {}
    graph[chain[-1]] = (chain[0],)
    assert len(mesh_module._cycles(graph)) == len(chain)


def test_self_input_cycle(mesh, edit):
    file = edit("ml-features/domain.yaml", "inputs: [ml-features.churn-features]", "inputs: [ml-features.churn-scores]")
    finding = only(mesh)
    assert (finding.file, finding.line, finding.message) == (file, line_of(file, "inputs: [ml-features.churn-scores]"),
                                                             "lineage cycle: ml-features.churn-scores <- ml-features.churn-scores")


def test_restricted_input_makes_output_restricted(mesh, edit):
    file = edit("ml-features/domain.yaml", "      classification: restricted\n      retentionDays: 90", "      classification: confidential\n      retentionDays: 90")
    assert only(mesh) == Finding(file, line_of(file, "classification: confidential"), "spec.dataProducts[1].classification",
                                 "reads restricted input ml-features.churn-features but is classified confidential",
                                 "a product derived from personal data must be classified restricted")


@pytest.mark.parametrize(("rule", "message", "hint"), [
    ("no-such-rule", "unknown policy rule 'no-such-rule'", "`dmesh rules` lists the rules and their levels"),
    ("s3-versioning-enabled", "'s3-versioning-enabled' is a mandatory global rule; a domain cannot override it (asked: disabled)",
     "only advisory rules can be tuned per domain; talk to the platform team"),
])
def test_overrides(mesh, edit, rule, message, hint):
    file = edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", f"overrides: {{{rule}: disabled}}")
    assert only(mesh) == Finding(file, line_of(file, "overrides:"), f"spec.governance.overrides.{rule}", message, hint)


def test_every_finding_of_the_mesh_is_reported_at_once(mesh, edit):
    """One run names every problem: several per product, per domain and across domains."""
    sales = edit("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [finance.ledger, marketing.budgets, marketing.campaigns]")
    edit("sales/domain.yaml", "grants: [{domain: marketing}, {domain: ml-features}]", "grants: [{domain: nobody}, {domain: marketing}, {domain: ml-features}]")
    ml = edit("ml-features/domain.yaml", "overrides: {stateful-resources-protected: disabled}", "overrides: {no-such-rule: disabled, s3-tls-only: mandatory}")
    found = {(f.file, f.field, f.message) for f in load_mesh(mesh, RULES).findings}
    assert found == {
        (sales, "spec.dataProducts[0].inputs[0]", "unknown domain 'finance'"),
        (sales, "spec.dataProducts[0].inputs[1]", "domain 'marketing' has no product 'budgets'"),
        (sales, "spec.dataProducts[0].grants[0].domain", "grant to unknown domain 'nobody'"),
        (ml, "spec.governance.overrides.no-such-rule", "unknown policy rule 'no-such-rule'"),
    }


def test_every_cycle_is_reported(mesh, edit):
    edit("ml-features/domain.yaml", "inputs: [ml-features.churn-features]", "inputs: [ml-features.churn-scores]")
    edit("sales/domain.yaml", "      retentionDays: 730\n", "      retentionDays: 730\n      inputs: [marketing.campaigns]\n")
    messages = sorted(f.message for f in load_mesh(mesh, RULES).findings)
    assert messages == ["lineage cycle: marketing.campaigns <- sales.store-locations <- marketing.campaigns",
                        "lineage cycle: ml-features.churn-scores <- ml-features.churn-scores",
                        "lineage cycle: sales.store-locations <- marketing.campaigns <- sales.store-locations"]


def test_broken_domain_does_not_cascade(mesh, edit):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    mesh_result = load_mesh(mesh, RULES)
    # ml-features and marketing read sales products: besides the real error, each reading input says it depends on it
    sibling = mesh / "sales" / "domain.yaml"
    assert sorted((f.file.parent.name, f.field, f.message) for f in mesh_result.findings) == [
        ("marketing", "spec.dataProducts[1].inputs[1]", f"reads sales.store-locations from domain 'sales', whose blueprint is invalid ({sibling})"),
        ("ml-features", "spec.dataProducts[0].inputs[0]", f"reads sales.orders from domain 'sales', whose blueprint is invalid ({sibling})"),
        ("ml-features", "spec.dataProducts[0].inputs[1]", f"reads sales.customers from domain 'sales', whose blueprint is invalid ({sibling})"),
        ("sales", "metadata.owner", "'nobody' does not match the expected format"),
    ]
    assert mesh_result.broken == frozenset({"sales"}) and sorted(mesh_result.domains) == ["marketing", "ml-features"]


def test_every_input_of_a_product_is_judged_after_a_broken_producer(mesh, edit):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    ml = edit("ml-features/domain.yaml", "inputs: [sales.orders, sales.customers, marketing.campaigns]",
              "inputs: [sales.orders, marketing.budgets, finance.ledger]")
    found = sorted((f.field, f.message.split(",")[0]) for f in load_mesh(mesh, RULES).findings if f.file == ml)
    assert found == [("spec.dataProducts[0].inputs[0]", "reads sales.orders from domain 'sales'"),
                     ("spec.dataProducts[0].inputs[1]", "domain 'marketing' has no product 'budgets'"),
                     ("spec.dataProducts[0].inputs[2]", "unknown domain 'finance'")]


def test_two_broken_domains_both_reported(mesh, edit):
    edit("sales/domain.yaml", "owner: sales-data@acme.example", "owner: nobody")
    edit("marketing/domain.yaml", "costCenter: ", "costCenters: ")
    result = load_mesh(mesh, RULES)
    assert result.broken == frozenset({"sales", "marketing"})
    assert {f.file.parent.name for f in result.findings} == {"sales", "marketing", "ml-features"}  # ml-features reads both
    assert {f.file.parent.name for f in result.findings if "whose blueprint is invalid" not in f.message} == {"sales", "marketing"}


def test_only_folders_with_a_blueprint_are_domains(mesh):
    (mesh / "notes.txt").write_text("not a domain")
    (mesh / "domain.yaml").mkdir()  # a folder named like the blueprint at the root is not a domain either
    (mesh / "scratch").mkdir()
    assert sorted(load_mesh(mesh, RULES).domains) == ["marketing", "ml-features", "sales"]


def test_folders_that_are_not_deployable_domains_are_reported(mesh):
    (mesh / "drafts").mkdir()
    (mesh / "sales" / "Pulumi.yaml").unlink()
    (mesh / ".cache").mkdir()  # hidden folders are tools' business, not the mesh's
    (mesh / "__pycache__").mkdir()
    assert set(load_mesh(mesh, RULES).findings) == {
        Finding(mesh / "drafts" / "domain.yaml", 0, "", "folder 'drafts' of the mesh root holds no domain.yaml",
                "add the domain's blueprint (`dmesh init`) or move the folder out of the mesh root"),
        Finding(mesh / "sales" / "Pulumi.yaml", 0, "", "domain 'sales' has no Pulumi.yaml, so no stack would deploy it",
                "add the Pulumi project file (`dmesh init` writes one)")}
