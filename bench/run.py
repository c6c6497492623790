"""The scale figures side by side in one run: one `name=value` line per figure.

    python bench/run.py [--domains 200] [--products 5] [--quick] [--jobs N]

It generates a synthetic mesh (`bench/generate.py`), then measures: `dmesh validate` of the whole mesh and of one
domain inside it, cold and with the spec cache of the run before (in process, and the CLI end to end: `cli_*`, the
median of five whole processes, each cold one with a fresh cache); `dmesh preview` of the whole mesh, of one domain
inside it and of one domain alone (in process, and the two one-domain cases through the CLI); peak memory of the whole preview's
process tree (in a run of its own: the sampling costs CPU); milliseconds per resource; and, in the same run, the
floors as the issue defines them, bare Pulumi SDK with none of this repository's code:

- `import_floor_s`: importing the Pulumi modules a domain program uses (components/providers.py);
  `import_floor_top_level_s`: only `pulumi`, `pulumi_aws` and `pulumi_kubernetes`, which load their modules lazily;
- `bare_registration_floor_s`: the same resources every domain registered (recorded from the review: types, names,
  parents, providers, inputs, dependencies), registered again under no-op mocks, one process per domain, as many
  at a time as the review runs; `bare_registration_forked_s`: the same with the imports paid once, a forked child
  per domain (the floor of a review that forks, as this one does);
- `trivial_registration_floor_s`: as many resources per domain, each a bare resource with one input (the floor of
  earlier runs, kept for comparison).

Ratios: `floor_ratio` = mesh preview / bare registration floor; `forked_floor_ratio` and `trivial_floor_ratio` the
same against the other two; `one_domain_ratio` = one-domain preview (alone) / import floor, and
`one_domain_ratio_paused` against the import floor with the collector paused (`import_floor_paused_s`), as the
review's worker imports. The floors are bare SDK in a default interpreter, as the issue defines them. Timings depend
on the machine: quote ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

from dmesh.forking import SWITCH as FORK_SWITCH  # noqa: E402
from dmesh.governance.config import load_platform_config  # noqa: E402
from components.providers import PROVIDER_MODULES  # noqa: E402
from dmesh.review.runner import review  # noqa: E402
from dmesh.review.workers import Workers  # noqa: E402
from dmesh.validation import Target, validate_mesh  # noqa: E402

TOP_IMPORTS = "import pulumi, pulumi_aws, pulumi_kubernetes"
# The floors below are bare Pulumi SDK: none of this repository's code runs in them. The provider modules a domain
# program uses (components/providers.py) and the recorded registrations reach them as arguments.
IMPORTS = """
import importlib, sys, pulumi, pulumi_aws, pulumi_kubernetes
for name in sys.argv[1].split(","):
    getattr(importlib.import_module(name), "__all__", None)  # the SDKs load a module on its first attribute
"""
NO_OP_MOCKS = """
class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args): return args.name + "-id", args.inputs
    def call(self, args): return {}, None
"""
# The floor of earlier runs: as many resources, each a bare resource with one input, the top-level packages imported.
TRIVIAL = TOP_IMPORTS + "\nimport os, sys\n" + NO_OP_MOCKS + """
pulumi.runtime.set_mocks(Mocks(), project="bench", stack="bench", preview=False)
def program():
    for i in range(int(sys.argv[1])):
        pulumi.CustomResource("bench:index:Resource", f"r{i}", {"value": str(i)})
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
_sync_await(run_pulumi_func(program))
sys.stdout.flush()
os._exit(0)
"""
# The same resources a domain's program registered (types, names, parents, providers, inputs, dependencies,
# protection), registered again through the SDK's generic resource classes under no-op mocks.
SAME = IMPORTS + NO_OP_MOCKS + """
import json, os
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await
def register(registrations):
    made = {}
    for r in registrations:
        provider = made.get(r["provider"].rsplit("::", 1)[0]) if r["provider"] else None  # a reference is URN::ID
        opts = pulumi.ResourceOptions(parent=made.get(r["parent"]), provider=provider, protect=r["protect"],
                                      depends_on=[made[u] for u in r["dependencies"] if u in made])
        if r["type"].startswith("pulumi:providers:"):
            made[r["urn"]] = pulumi.ProviderResource(r["type"].split(":")[2], r["name"], dict(r["inputs"]), opts)
        elif r["custom"]:
            made[r["urn"]] = pulumi.CustomResource(r["type"], r["name"], dict(r["inputs"]), opts)
        else:
            made[r["urn"]] = pulumi.ComponentResource(r["type"], r["name"], dict(r["inputs"]), opts)
def run(file):
    with open(file, encoding="utf-8") as handle:
        registrations = json.load(handle)
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_mocks(Mocks(), project="bench", stack="dev", preview=False)
    _sync_await(run_pulumi_func(lambda: register(registrations)))
files, jobs = sys.argv[2].split(","), int(sys.argv[3])
if jobs == 0:  # one process per domain: this one
    run(files[0])
    if len(sys.argv) > 4:  # what the mock monitor received (type, name, input names), for tests/bench/test_run.py
        received = pulumi.runtime.settings.get_monitor().resources.values()
        with open(sys.argv[4], "w", encoding="utf-8") as handle:
            json.dump(sorted([r.urn.rsplit("::", 2)[1].rsplit("$", 1)[-1], r.urn.rsplit("::", 1)[1], sorted(r.state)] for r in received), handle)
else:  # imports paid once: a forked child per domain, `jobs` at a time; a child that fails fails the floor
    def reap():
        _, status = os.wait()
        if status:
            raise SystemExit(f"a registration child failed (wait status {status})")
    running = 0
    for file in files:
        if running == jobs:
            reap()
            running -= 1
        if os.fork() == 0:
            try:
                run(file)
            except BaseException:
                import traceback
                traceback.print_exc()
                os._exit(1)
            sys.stdout.flush()
            os._exit(0)
        running += 1
    while running:
        reap()
        running -= 1
sys.stdout.flush()
os._exit(0)
"""


CHECKOUT = Path(__file__).resolve().parent.parent


def median_wall(command: list[str], before: Callable[[int], None] = lambda _run: None, runs: int = 5) -> float:
    """The median wall of `runs` whole processes (a single run of a second varies by a tenth); `before(i)` sets up run
    i (a fresh spec cache for a cold figure). They run in this checkout: `python -m` puts the current folder first on
    the path, so run from another checkout's folder they would import its `blueprints` and `components`."""
    walls = []
    for run in range(runs):
        before(run)
        walls.append(timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=CHECKOUT))[1])
    return statistics.median(walls)


def cli_median(args: list[str], before: Callable[[int], None] = lambda _run: None) -> float:
    return median_wall([sys.executable, "-m", "dmesh", *args], before)


def figure(name: str, value: float | int | str) -> None:
    print(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}", flush=True)


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


class TreeMemory:
    """Peak memory of this process and all its descendants, sampled from /proc: the sum of their resident sizes (RSS,
    which counts a page shared by forked children once per child) and the sum of their proportional sizes (PSS, each
    shared page split between its sharers: what the tree really occupies)."""

    def __init__(self) -> None:
        self.peak, self.peak_pss, self._stop = 0, 0, threading.Event()

    def _rss_tree(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
                rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        total, stack, self._tree = 0, [os.getpid()], []
        while stack:
            pid = stack.pop()
            total += rss.get(pid, 0)
            self._tree.append(pid)
            stack += children.get(pid, [])
        return total

    def _pss_tree(self) -> int:
        total = 0
        for pid in self._tree:
            try:
                with open(f"/proc/{pid}/smaps_rollup") as rollup:
                    total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            except (OSError, StopIteration, ValueError):
                continue
        return total

    def __enter__(self) -> TreeMemory:
        def sample() -> None:
            while not self._stop.wait(0.1):
                self.peak = max(self.peak, self._rss_tree())
                self.peak_pss = max(self.peak_pss, self._pss_tree())
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def per_process(script: str, arguments: list[list[str]], jobs: int) -> float:
    """`script` once per argument list, in a fresh interpreter each, `jobs` at a time (the issue's floors)."""
    def one(argument: list[str]) -> None:
        subprocess.run([sys.executable, "-c", script, *argument], check=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, arguments))
    return time.perf_counter() - start


class Recorded:
    """Keeps what each program of a review registered, as the worker returned it, for the same-resources floors."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()

    def __enter__(self) -> Recorded:
        self._review = Workers.review
        recorded = self

        def review(workers, folder, *args, **kwargs):
            result = recorded._review(workers, folder, *args, **kwargs)
            (recorded.folder / f"{Path(folder).name}.json").write_text(json.dumps([r.as_dict() for r in result[0]]), encoding="utf-8")
            return result

        Workers.review = review
        return self

    def __exit__(self, *exc: object) -> None:
        Workers.review = self._review

    def files(self) -> list[str]:
        return [str(p) for p in sorted(self.folder.glob("*.json"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=200)
    parser.add_argument("--products", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="20 domains x 5 products")
    args = parser.parse_args()
    domains = 20 if args.quick else args.domains
    config = load_platform_config()
    with tempfile.TemporaryDirectory(prefix="dmesh-bench-") as tmp:
        root, alone = Path(tmp) / "mesh", Path(tmp) / "alone"
        names = generate(root, domains, args.products)
        generate(alone, 1, args.products)
        one = root / names[len(names) // 2]
        figure("machine_cpus", os.cpu_count() or 1)
        figure("products", domains * args.products)
        caches = Path(tmp) / "caches"

        def fresh_cache(name: str) -> None:  # every cold figure starts from an empty spec cache (blueprints/spec_cache.py)
            os.environ["DMESH_CACHE_DIR"] = str(caches / name)

        fresh_cache("validate")
        _, seconds = timed(lambda: validate_mesh(Target(root, None)))
        figure("validate_mesh_s", seconds)
        _, seconds = timed(lambda: validate_mesh(Target(root, None)))
        figure("validate_mesh_cached_s", seconds)
        _, seconds = timed(lambda: validate_mesh(Target(root, one)))
        figure("validate_one_domain_in_mesh_cached_s", seconds)
        for name, target in (("mesh", root), ("one_domain_in_mesh", one)):  # a whole process each: the median of 5
            figure(f"cli_validate_{name}_cached_s", cli_median(["validate", str(target)]))
            figure(f"cli_validate_{name}_s", cli_median(["validate", str(target)], lambda run, name=name: fresh_cache(f"cli-validate-{name}-{run}")))
            fresh_cache("validate")
        fresh_cache("validate-one")
        _, seconds = timed(lambda: validate_mesh(Target(root, one)))
        figure("validate_one_domain_in_mesh_s", seconds)
        fresh_cache("preview")
        whole, mesh_s = timed(lambda: review(root, config, jobs=args.jobs))
        assert whole.exit_code == 0, (whole.errors[:3], whole.violations[:3])
        figure("preview_mesh_s", mesh_s)
        figure("resources", whole.summary.resources)
        figure("ms_per_resource", 1000 * mesh_s / whole.summary.resources)
        fresh_cache("preview-memory")  # memory in a run of its own: sampling /proc ten times a second costs CPU
        with TreeMemory() as memory:
            sampled = review(root, config, jobs=args.jobs)
        assert sampled.summary == whole.summary
        figure("peak_tree_mib", memory.peak / 2**20)
        figure("peak_tree_pss_mib", memory.peak_pss / 2**20)
        fresh_cache("preview-fresh-workers")
        os.environ[FORK_SWITCH] = "0"  # the same review with a fresh interpreter per program, for the ratio
        # what each program registered, for the floors; writing it costs this run under 1% (a few ms a domain)
        with Recorded(Path(tmp) / "registrations") as recorded:
            fresh, fresh_s = timed(lambda: review(root, config, jobs=args.jobs))
        del os.environ[FORK_SWITCH]
        assert fresh.summary.resources == whole.summary.resources
        figure("preview_mesh_fresh_workers_s", fresh_s)
        figure("fork_speedup", fresh_s / mesh_s)
        fresh_cache("preview-one")
        inside, seconds = timed(lambda: review(one, config, jobs=args.jobs))
        assert inside.exit_code == 0
        figure("preview_one_domain_in_mesh_s", seconds)
        fresh_cache("preview-alone")
        solo, alone_s = timed(lambda: review(alone / "d0000", config, jobs=args.jobs))
        assert solo.exit_code == 0
        figure("preview_one_domain_alone_s", alone_s)
        for name, target in (("alone", alone / "d0000"), ("in_mesh", one)):
            figure(f"cli_preview_one_domain_{name}_s",
                   cli_median(["preview", str(target)], lambda run, name=name: fresh_cache(f"cli-preview-{name}-{run}")))
        modules = ",".join(PROVIDER_MODULES)
        figure("import_floor_top_level_s", median_wall([sys.executable, "-c", TOP_IMPORTS]))
        figure("import_floor_s", import_s := median_wall([sys.executable, "-c", IMPORTS, modules]))
        # the same with the collector paused, as the review's worker loads them (dmesh/collector.py)
        figure("import_floor_paused_s", paused_s := median_wall([sys.executable, "-c", "import gc; gc.disable()\n" + IMPORTS, modules]))
        files = recorded.files()
        assert len(files) == len(whole.timings)
        floor = per_process(SAME, [[modules, file, "0"] for file in files], args.jobs)
        figure("bare_registration_floor_s", floor)
        figure("floor_ratio", mesh_s / floor)
        _, forked = timed(lambda: subprocess.run([sys.executable, "-c", SAME, modules, ",".join(files), str(args.jobs)], check=True))
        figure("bare_registration_forked_s", forked)
        figure("forked_floor_ratio", mesh_s / forked)
        trivial = per_process(TRIVIAL, [[str(t.resources)] for t in whole.timings], args.jobs)
        figure("trivial_registration_floor_s", trivial)
        figure("trivial_floor_ratio", mesh_s / trivial)
        figure("one_domain_ratio", alone_s / import_s)
        figure("one_domain_ratio_paused", alone_s / paused_s)

if __name__ == "__main__":
    main()
