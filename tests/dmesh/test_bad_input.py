"""Every verb, over a table of inputs a careless or hostile user gives: one clear message, the documented exit code, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from meshtest import EXAMPLE_MESH, REPO


def dmesh(*args: str, cwd: Path = REPO, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dmesh", *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Path]:
    """Broken things to point the CLI at."""
    import shutil

    root = tmp_path_factory.mktemp("bad")
    places = {"file": root / "plain.txt", "folder": root / "empty", "missing": root / "nowhere" / "deeper"}
    places["file"].write_text("not a mesh")
    places["folder"].mkdir()
    mesh = root / "mesh"
    shutil.copytree(EXAMPLE_MESH, mesh)
    places["mesh"] = mesh
    (mesh / "marketing" / "Pulumi.yaml").write_text("name: [unclosed\n")  # malformed project file
    (mesh / "ml-features" / "Pulumi.dev.yaml").write_text("config: {a: [\n")  # malformed stack file
    (mesh / "sales" / "__main__.py").write_text("raise ValueError('[bold red]not markup[/] [link=x]')\n")
    nul = root / "nul" / "nulled"
    shutil.copytree(EXAMPLE_MESH / "sales", nul)
    (nul / "domain.yaml").write_bytes((nul / "domain.yaml").read_bytes().replace(b"kind:", b"ki\x00nd:"))
    places["nul"] = nul.parent
    project = root / "project-without-blueprint"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: x\nruntime: python\n")
    (project / "__main__.py").write_text("import pulumi\n")
    places["project"] = project
    shapeless = root / "project-of-the-wrong-shape"  # YAML that parses, in shapes Pulumi.yaml and its stack file never have
    shapeless.mkdir()
    (shapeless / "Pulumi.yaml").write_text("name: x\nruntime: python\nconfig: [1, 2]\n")
    (shapeless / "__main__.py").write_text("import pulumi\n")
    places["shapeless"] = shapeless
    looping = root / "looping"  # links that loop: a domain.yaml that points at itself, a contracts folder that does
    shutil.copytree(EXAMPLE_MESH, looping)
    (looping / "marketing" / "domain.yaml").unlink()
    (looping / "marketing" / "domain.yaml").symlink_to("domain.yaml")
    shutil.rmtree(looping / "sales" / "contracts")
    (looping / "sales" / "contracts").symlink_to("contracts")
    places["looping"] = looping
    return places


CASES = [
    # (id, args with {placeholders}, expected exit code)
    ("validate-missing", ["validate", "{missing}"], 2),
    ("validate-file", ["validate", "{file}"], 2),
    ("validate-empty-folder", ["validate", "{folder}"], 2),
    ("validate-nul-byte", ["validate", "{nul}"], 1),
    ("preview-missing", ["preview", "{missing}"], 2),
    ("preview-file", ["preview", "{file}"], 2),
    ("preview-broken-projects", ["preview", "{mesh}"], 2),
    ("preview-broken-projects-table", ["preview", "{mesh}", "--format", "table"], 2),
    ("preview-output-is-folder", ["preview", "domain_stacks/sales", "-f", "json", "-o", "{folder}"], 2),
    ("preview-output-in-missing-folder", ["preview", "domain_stacks/sales", "-f", "json", "-o", "{missing}/r.json"], 2),
    ("preview-jobs-zero", ["preview", "domain_stacks", "--jobs", "0"], 2),
    ("schema-output-is-folder", ["schema", "-o", "{folder}"], 2),
    ("schema-output-in-missing-folder", ["schema", "-o", "{missing}/s.json"], 2),
    ("policy-config-missing", ["policy-config", "{missing}"], 2),
    ("policy-config-not-a-domain", ["policy-config", "{folder}"], 2),
    ("policy-config-output-is-folder", ["policy-config", "domain_stacks/sales", "-o", "{folder}"], 2),
    ("init-mesh-root-is-file", ["init", "finance", "--owner", "f@acme.example", "--cost-center", "CC-1", "--mesh-root", "{file}", "--no-input"], 2),
    ("init-bad-name", ["init", "../escape", "--owner", "f@acme.example", "--cost-center", "CC-1", "--mesh-root", "{folder}", "--no-input"], 2),
    ("up-missing", ["up", "{missing}"], 2),
    ("up-project-without-blueprint", ["up", "{project}"], 2),
    ("local-pulumi-config-missing", ["local", "pulumi-config", "{missing}"], 2),
    ("lineage-missing-mesh", ["lineage", "--mesh-root", "{missing}"], 2),
    ("lineage-output-is-folder", ["lineage", "-o", "{folder}"], 2),
    ("lineage-bad-depth", ["lineage", "sales.orders", "--depth", "0"], 2),
    ("upgrade-status-file", ["upgrade", "status", "{file}"], 2),
    ("upgrade-status-empty-folder", ["upgrade", "status", "{folder}"], 2),
    ("sla-status-file", ["sla", "status", "{file}"], 2),
    ("sla-status-missing", ["sla", "status", "{missing}"], 2),
    ("sla-region-without-live", ["sla", "status", "--region", "eu-west-1"], 2),
    ("sla-live-unreachable", ["sla", "status", "--live", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"], 1),
    ("sla-live-bad-endpoint", ["sla", "status", "--live", "--region", "eu-west-1", "--endpoint-url", "not a url"], 2),
    ("sla-live-endpoint-bad-port", ["sla", "status", "--live", "--region", "eu-west-1", "--endpoint-url", "http://localhost:99999"], 2),
    ("sla-live-endpoint-file-scheme", ["sla", "status", "--live", "--region", "eu-west-1", "--endpoint-url", "file:///etc/passwd"], 2),
    ("sla-live-bad-region", ["sla", "status", "--live", "--region", "../../etc"], 2),
    ("sla-live-region-with-newline", ["sla", "status", "--live", "--region", "eu-west-1\n"], 2),
    ("sla-bad-format", ["sla", "status", "--format", "xml"], 2),
    ("upgrade-apply-no-preset", ["upgrade", "apply"], 2),
    ("upgrade-apply-bad-preset", ["upgrade", "apply", "--preset", "batch"], 2),
    ("upgrade-apply-unknown-preset", ["upgrade", "apply", "--preset", "batch@9", "--dry-run"], 2),
    ("upgrade-apply-unknown-domain", ["upgrade", "apply", "--preset", "batch@2", "--domain", "nope", "--dry-run"], 2),
    ("upgrade-apply-path-traversal-preset", ["upgrade", "apply", "--preset", "../../etc@1", "--dry-run"], 2),
    ("upgrade-apply-file", ["upgrade", "apply", "{file}", "--preset", "batch@2"], 2),
    ("upgrade-impact-no-base", ["upgrade", "impact"], 2),
    ("upgrade-impact-not-git", ["upgrade", "impact", "{mesh}", "--base", "HEAD"], 2),
    ("upgrade-urns-output-folder", ["upgrade", "urns", "-o", "{folder}"], 2),
    ("contract-diff-missing", ["contract", "diff", "{missing}", "{missing}"], 2),
    ("contract-diff-folder", ["contract", "diff", "{folder}", "{folder}"], 2),
    ("contract-diff-not-yaml", ["contract", "diff", "{file}", "{file}"], 2),
    ("validate-against-not-git", ["validate", "{mesh}", "--against", "HEAD"], 2),
    ("validate-against-option-injection", ["validate", "domain_stacks", "--against=--output=/tmp/x"], 2),
    ("access-bad-ref", ["access", "request", "sales", "marketing.campaigns"], 2),
    ("access-traversal-ref", ["access", "request", "../etc.passwd", "sales.orders"], 2),
    ("access-unknown-product", ["access", "request", "sales.orders", "marketing.nope", "--dry-run"], 2),
    ("access-self", ["access", "request", "sales.orders", "sales.orders", "--dry-run"], 2),
    ("access-list-missing-mesh", ["access", "list", "--mesh-root", "{missing}"], 2),
    ("lineage-html-to-folder", ["lineage", "-f", "html", "-o", "{folder}"], 2),
    ("catalog-live-unreachable", ["catalog", "list", "--live", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"], 1),
    ("catalog-live-bad-endpoint", ["catalog", "search", "x", "--live", "--endpoint-url", "ftp://host"], 2),
    ("catalog-bucket-without-live", ["catalog", "list", "--bucket", "b"], 2),
    ("preview-bad-shard", ["preview", "domain_stacks", "--shard", "5/2"], 2),
    ("preview-shard-syntax", ["preview", "domain_stacks", "--shard", "half"], 2),
    ("report-merge-missing", ["report", "merge", "{missing}"], 2),
    ("report-merge-not-json", ["report", "merge", "{file}"], 2),
    ("preview-project-of-the-wrong-shape", ["preview", "{shapeless}"], 2),
    ("validate-looping-links", ["validate", "{looping}"], 1),
    ("validate-looping-links-json", ["validate", "{looping}", "--format", "json"], 1),
    ("validate-looping-links-one-domain", ["validate", "{looping}/ml-features"], 1),
    ("validate-looping-domain-file", ["validate", "{looping}/marketing"], 2),
    ("preview-looping-links", ["preview", "{looping}", "-f", "sarif"], 2),
    ("policy-config-looping-contracts", ["policy-config", "{looping}/sales"], 2),
    ("unknown-verb", ["frobnicate"], 2),
    ("unknown-format", ["validate", "domain_stacks", "--format", "xml"], 2),
]


@pytest.mark.parametrize(("args", "code"), [(a, c) for _, a, c in CASES], ids=[i for i, _, _ in CASES])
def test_no_traceback_and_the_documented_exit_code(world, args, code):
    result = dmesh(*[a.format(**{k: str(v) for k, v in world.items()}) for a in args], env={"PATH": str(Path(sys.executable).parent)})
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == code, output
    assert output.strip(), "a failure must say something"


def test_program_errors_keep_their_square_brackets(world):
    """Rich markup in a program's error is printed as the text it is."""
    result = dmesh("preview", str(world["mesh"] / "sales"))
    assert "[bold red]not markup[/] [link=x]" in " ".join((result.stdout + result.stderr).split())
