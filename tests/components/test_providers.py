"""The provider modules list names every lazily loaded module the programs use, and loading them leaves none lazy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from components.providers import PROVIDER_MODULES

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json, os, sys, tempfile
import pulumi, pulumi_aws, pulumi_kubernetes, blueprints.loader, components.domain, components.testing.recording  # what the forking worker imports
from dmesh.review import worker
def lazy():
    return {n for n, m in list(sys.modules.items()) if type(m).__name__ == "_LazyModule"}
before = lazy()
for folder in sys.argv[1:]:
    os.chdir(folder)
    assert worker.main([folder, "dev", os.path.join(tempfile.mkdtemp(), "out.json")]) == 0
print(json.dumps(sorted(n for n in before - lazy() if n.startswith(("pulumi_aws", "pulumi_kubernetes")))))
"""


def test_every_provider_module_the_programs_load_is_preloaded():
    programs = [str(REPO / "domain_stacks" / d) for d in ("sales", "marketing", "ml-features")] + [str(REPO)]
    result = subprocess.run([sys.executable, "-c", PROBE, *programs], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert {"pulumi_aws.s3", "pulumi_kubernetes.core.v1"} <= loaded  # the probe sees lazy loading at all
    assert loaded <= set(PROVIDER_MODULES), f"add to PROVIDER_MODULES: {sorted(loaded - set(PROVIDER_MODULES))}"


def test_preloading_leaves_no_listed_module_lazy():
    probe = ("import sys; from components.providers import PROVIDER_MODULES, load_provider_modules; load_provider_modules(); "
             "print([n for n in PROVIDER_MODULES if type(sys.modules[n]).__name__ == '_LazyModule'])")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
