"""Validating one domain reads only what its mesh checks read (the domains upstream of it, whole where it reads them
directly, and the siblings whose physical names it could share) and still finds every mesh-level error that involves
the domain: each case compares it with the whole mesh's findings about the domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprints import load_mesh
from dmesh.governance.config import mesh_levels
from dmesh.validation import Target, validate_mesh
from meshtest import add_domain


def findings_both_ways(root: Path, domain: str) -> tuple[list[str], list[str]]:
    """The focused findings, the same whether the neighbours are read from their domain.yaml (nothing cached yet) or
    served from the complete entries the whole mesh's load leaves in the spec cache; and the whole mesh's findings."""
    target = Target(root.resolve(), (root / domain).resolve())
    _, cold = validate_mesh(target)
    whole = sorted(f.render(root) for f in load_mesh(root, mesh_levels()).findings if target.concerns(f))
    _, focused = validate_mesh(target)
    assert sorted(f.render(root) for f in cold) == sorted(f.render(root) for f in focused)
    return sorted(f.render(root) for f in focused), whole


CASES = {
    "input without a grant": ("ml-features", [("sales/domain.yaml", "grants: [{domain: ml-features}]\n", "")]),
    "restricted data flowing in": ("marketing", [
        ("marketing/domain.yaml", "inputs: [marketing.web-events, sales.store-locations]", "inputs: [marketing.web-events, sales.customers]"),
        ("sales/domain.yaml", "grants: [{domain: ml-features}]\n", "grants: [{domain: ml-features}, {domain: marketing}]\n")]),
    "a cycle through it": ("sales", [
        ("sales/domain.yaml", "inputs: [marketing.campaigns]", "inputs: [marketing.campaigns, ml-features.churn-scores]"),
        ("ml-features/domain.yaml", "      inputs: [ml-features.churn-features]\n      pipeline: {image: registry.acme.example/ml/churn-scorer",
         "      inputs: [ml-features.churn-features]\n      grants: [{domain: sales}]\n      pipeline: {image: registry.acme.example/ml/churn-scorer")]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mesh_errors_involving_the_domain_are_found(mesh, edit, case):
    domain, edits = CASES[case]
    for file, old, new in edits:
        edit(file, old, new)
    focused, whole = findings_both_ways(mesh, domain)
    assert whole and focused == whole


@pytest.mark.parametrize("domain", ["marketing", "sales"])
def test_a_cycle_is_found_from_every_domain_on_it(mesh, edit, domain):
    """marketing.campaigns reads sales.store-locations: store-locations reading campaigns back closes a cycle that
    validating either domain finds (validating marketing alone once passed, the cycle being told at sales only)."""
    edit("sales/domain.yaml", "      retentionDays: 730\n", "      retentionDays: 730\n      inputs: [marketing.campaigns]\n")
    focused, whole = findings_both_ways(mesh, domain)
    assert focused == whole and len(focused) == 1 and "lineage cycle: " in focused[0], focused


def test_a_collision_with_a_siblings_name_is_found_from_both_sides(mesh):
    add_domain(mesh, "marketing-web", "events")  # marketing/web-events and marketing-web/events both derive dm-marketing-web-events
    for domain in ("marketing-web", "marketing"):
        focused, whole = findings_both_ways(mesh, domain)
        assert whole and focused == whole and any("is also" in f for f in focused), domain


def test_other_domains_contracts_are_not_read(mesh):
    """A broken contract elsewhere is that domain's error: one domain's validation neither loads nor reports it."""
    (mesh / "ml-features" / "contracts" / "churn-scores.odcs.yaml").write_text("not: [a contract")
    focused, _ = findings_both_ways(mesh, "sales")
    assert focused == []
    mesh_of_sales = load_mesh(mesh, mesh_levels(), focus=mesh / "sales")
    assert set(mesh_of_sales.complete()) == {"sales", "marketing"}  # sales reads marketing, which reads sales back
    assert "ml-features" not in mesh_of_sales.domains  # a consumer of sales: none of the checks of sales reads it
    assert mesh_of_sales.complete()["sales"].product("orders").contract.tables  # the focus has its columns
    # a producer the focus reads is loaded whole: its contract problems do concern the focus
    focused, whole = findings_both_ways(mesh, "ml-features")
    assert focused == whole and focused


def test_a_grant_to_a_domain_not_read_is_not_to_an_unknown_one(mesh, edit):
    """sales grants ml-features, which the checks of sales do not read: its folder is enough. A grant to a domain
    with no folder is found, its hint naming every domain of the mesh as the whole mesh's does, broken ones too."""
    edit("sales/domain.yaml", "grants: [{domain: marketing}, {domain: ml-features}]",
         "grants: [{domain: marketing}, {domain: ml-features}, {domain: finance}]")
    add_domain(mesh, "legal", "holds")
    (mesh / "legal" / "domain.yaml").write_text("apiVersion: [unclosed\n")
    focused, whole = findings_both_ways(mesh, "sales")
    assert focused == whole and len(focused) == 1 and "grant to unknown domain 'finance'" in focused[0], focused
    assert "known domains: legal, marketing, ml-features, sales" in focused[0]
    assert set(load_mesh(mesh, mesh_levels(), focus=mesh / "sales").domains) == {"sales", "marketing"}


def test_only_siblings_that_could_share_a_name_are_read_for_collisions(mesh):
    for name in ("marketing-web", "market", "marketingweb", "web-marketing"):
        add_domain(mesh, name, "events")
    assert set(load_mesh(mesh, mesh_levels(), focus=mesh / "marketing").domains) == {"marketing", "sales", "marketing-web"}
    assert set(load_mesh(mesh, mesh_levels(), focus=mesh / "marketing-web").domains) == {"marketing-web", "marketing"}


def test_a_domain_folder_linked_inside_the_mesh_under_another_name_is_known_by_its_domains_name(mesh):
    """`ml` links to `.shelf/ml-features`: the mesh knows it as ml-features, which its blueprint is named, so it finds
    alone what the whole mesh finds about it (here an input marketing does not grant), and so does its producer."""
    (mesh / ".shelf").mkdir()
    (mesh / "ml-features").rename(mesh / ".shelf" / "ml-features")
    (mesh / "ml").symlink_to(Path(".shelf") / "ml-features", target_is_directory=True)
    (mesh / "ml" / "domain.yaml").write_text((mesh / "ml" / "domain.yaml").read_text().replace("inputs: [ml-features.churn-features]",
                                                                                                "inputs: [ml-features.churn-features, marketing.web-events]"))
    for domain in ("ml", "marketing"):
        focused, whole = findings_both_ways(mesh, domain)
        assert focused == whole, domain
    focused, _ = findings_both_ways(mesh, "ml")
    assert focused and all("marketing.web-events does not grant domain 'ml-features'" in f for f in focused), focused
