"""Mutation score of the security-critical modules (mutmut), printed as `name=value` lines.

    .venv/bin/python bench/mutation.py            # stage, run mutmut with 2 workers, print the score and the survivors
    .venv/bin/python bench/mutation.py --report   # print the score of the last run again

Why a staging folder: mutmut names a mutant after its file path (`platform/dmesh/x.py` becomes
`platform.dmesh.x`) while the code imports as `dmesh.x`, so mutants under `platform/` would never be
matched to the tests that run them. The stage (`.mutation/`, ignored by git) lays the packages out
under their import names and runs mutmut there; the checkout itself is never touched.

Which modules and which tests: `[tool.mutmut]` in pyproject.toml. The protocol tests start the policy
pack as a separate process, which mutmut cannot trace; the in-process rule tables are what kill
mutants of the rules.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STAGE = REPO / ".mutation"
# what the stage holds: source (import name) <- checkout path
LAYOUT = {
    "blueprints": "blueprints",
    "components": "components",
    "dmesh": "platform/dmesh",
    "platform/policy_pack": "platform/policy_pack",
    "policy_pack": "platform/policy_pack",  # where dmesh.governance.config looks for it, relative to the package
    "platform/stack": "platform/stack",
    "tests": "tests",
    "domain_stacks": "domain_stacks",
    "pyproject.toml": "pyproject.toml",
    "Pulumi.yaml": "Pulumi.yaml",
    "Pulumi.dev.yaml": "Pulumi.dev.yaml",
}
KILLED = {"killed", "timeout", "segfault", "caught by type check"}


def stage(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for dest, source in LAYOUT.items():
        src, dst = REPO / source, target / dest
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, dst)
    # the policy pack runs as its own process from its folder; mutated code there needs mutmut's config beside it
    for pack in ("policy_pack", "platform/policy_pack"):
        shutil.copy2(REPO / "pyproject.toml", target / pack / "pyproject.toml")


def statuses(target: Path) -> dict[str, str]:
    """mutant name -> status, read from mutmut's own result files with its own table of exit codes."""
    from mutmut.stats import status_by_exit_code

    result: dict[str, str] = {}
    for meta in (target / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            result[name] = status_by_exit_code[code]
    return result


def report(target: Path, seconds: float | None) -> int:
    by_status = statuses(target)
    if not by_status:
        print("mutation_run=missing (run without --report first)")
        return 1
    modules: dict[str, Counter[str]] = {}
    for name, status in by_status.items():
        module = name.split(".x_")[0].split(".xǁ")[0]
        modules.setdefault(module, Counter())[status] += 1
    total = Counter(s for s in by_status.values())
    killed = sum(total[s] for s in KILLED)
    print(f"mutants={len(by_status)}")
    for status, count in sorted(total.items()):
        print(f"mutants_{status.replace(' ', '_')}={count}")
    print(f"mutation_score={100 * killed / len(by_status):.1f}%")
    for module, counts in sorted(modules.items()):
        module_killed = sum(counts[s] for s in KILLED)
        print(f"score[{module}]={100 * module_killed / sum(counts.values()):.1f}% ({module_killed}/{sum(counts.values())})")
    if seconds is not None:
        print(f"seconds={seconds:.0f}")
    survivors = sorted(n for n, s in by_status.items() if s not in KILLED)
    if survivors:
        print("\nsurvivors (inspect with `cd .mutation && ../.venv/bin/mutmut show NAME`):")
        for name in survivors:
            print(f"  {name}  [{by_status[name]}]")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true", help="only print the score of the last run")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--stage", type=Path, default=STAGE)
    args = parser.parse_args()
    if args.report:
        return report(args.stage, None)
    stage(args.stage)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    mutmut = [sys.executable, "-c", "import sys; from mutmut.__main__ import cli; sys.exit(cli())"]
    code = subprocess.call([*mutmut, "run", "--max-children", str(args.jobs)], cwd=args.stage, env=env)
    if code not in (0, 1):
        print(f"mutmut exited {code}", file=sys.stderr)
    return report(args.stage, time.perf_counter() - start)


if __name__ == "__main__":
    sys.exit(main())
