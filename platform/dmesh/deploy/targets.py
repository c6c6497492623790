"""Which stacks a deploy verb works on, and in what order.

The platform stack (audit and catalog buckets) comes before every domain; a domain comes after the domains
whose products it reads, so a consumer's grants never point at a producer that is not there yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from blueprints.mesh import domain_folders
from blueprints.vocabulary import DOMAIN_FILE, PROJECT_FILE
from blueprints.naming import PLATFORM_DOMAIN
from blueprints.spec import DomainSpec

from .errors import INVALID, DeployError

PLATFORM_MAIN = "platform/stack"  # the platform project's `main:` in its Pulumi.yaml
STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}(/[A-Za-z0-9_.-]{1,100}){0,2}$")  # stack, project/stack or org/project/stack


def valid_stack_name(name: str) -> bool:
    """Letters, digits, `_`, `.`, `-`, optionally org/project/; no part only dots, no leading `-` (read as a flag)."""
    return bool(STACK_NAME.fullmatch(name)) and not name.startswith("-") and all(part.strip(".") for part in name.split("/"))


@dataclass(frozen=True)
class StackTarget:
    name: str  # the domain's name, or `platform`
    folder: Path
    platform: bool = False
    needs: frozenset[str] = field(default_factory=frozenset)  # targets of this run that must succeed first

    @property
    def label(self) -> str:
        return f"{self.name} (platform)" if self.platform else self.name


def is_platform(folder: Path) -> bool:
    try:
        project = YAML(typ="safe").load((folder / PROJECT_FILE).read_text(encoding="utf-8"))
    except (OSError, YAMLError):
        return False
    return isinstance(project, dict) and str(project.get("main", "")).rstrip("/") == PLATFORM_MAIN


def _classify(path: Path) -> StackTarget:
    if not path.exists():
        raise DeployError(f"no such folder: {path}", INVALID)
    if not (path / PROJECT_FILE).is_file():
        raise DeployError(f"{path} is not a Pulumi project (no {PROJECT_FILE}); give a domain folder, the platform project, or --all", INVALID)
    folder = path.resolve()
    if (folder / DOMAIN_FILE).is_file():
        return StackTarget(folder.name, folder)
    if is_platform(folder):
        return StackTarget(PLATFORM_DOMAIN, folder, platform=True)
    raise DeployError(f"{path} is a Pulumi project but not a domain (no {DOMAIN_FILE}) nor the platform project (main: {PLATFORM_MAIN}); "
                      "`dmesh` deploys the mesh's stacks: deploy any other project with `pulumi up --policy-pack platform/policy_pack` "
                      "from its folder", INVALID)


def select(paths: Iterable[Path], *, everything: bool, platform: bool, mesh_root: Path) -> list[StackTarget]:
    """The targets named on the command line (`--all`: the platform project beside the mesh root, then every domain)."""
    paths = list(paths)
    if everything and paths:
        raise DeployError("give folders or --all, not both", INVALID)
    if everything:
        if not mesh_root.is_dir() or not domain_folders(mesh_root):
            raise DeployError(f"{mesh_root} holds no domain (a folder with {DOMAIN_FILE}); pass --mesh-root", INVALID)
        platform = True
        paths = domain_folders(mesh_root)
    if platform:
        home = mesh_root.resolve().parent
        if not is_platform(home):
            raise DeployError(f"no platform project beside {mesh_root}: {home / PROJECT_FILE} should say `main: {PLATFORM_MAIN}`", INVALID)
        paths = [home, *paths]
    if not paths:
        raise DeployError("nothing to deploy: give a domain folder, the platform project (`.` or --platform), or --all", INVALID)
    chosen: dict[Path, StackTarget] = {}
    for path in paths:
        target = _classify(path)
        chosen.setdefault(target.folder, target)
    names = [t.name for t in chosen.values()]
    if len(set(names)) != len(names):
        raise DeployError(f"two targets share a name: {sorted({n for n in names if names.count(n) > 1})}", INVALID)
    return list(chosen.values())


def ordered(targets: list[StackTarget], specs: Mapping[str, DomainSpec]) -> list[StackTarget]:
    """The targets with their `needs` filled in: platform first, then producers before consumers.

    Domains that read each other (in the example mesh, sales reads marketing.campaigns and marketing reads
    sales.store-locations) need each other equally, so neither waits for the other: grants name consumer roles
    through `aws:PrincipalArn` conditions, never as principals, so no stack needs another's roles to exist.
    """
    names = {t.name for t in targets}
    platform = frozenset(t.name for t in targets if t.platform)
    reads = {t.name: ({ref.domain for p in specs[t.name].products for ref in p.inputs} & names) - {t.name}
             if not t.platform and t.name in specs else set() for t in targets}
    reach = {name: _reachable(name, reads) for name in names}
    result = []
    for target in targets:
        if target.platform:
            result.append(target)
            continue
        needs = {d for d in reach[target.name] if target.name not in reach[d]}  # not those that also read us, through any path
        result.append(StackTarget(target.name, target.folder, False, frozenset(needs) | platform))
    return layered(result)


def _reachable(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    frontier = set(edges.get(start, ()))
    while frontier:
        seen |= frontier
        frontier = {n for f in frontier for n in edges.get(f, ())} - seen
    return seen - {start}


def layered(targets: list[StackTarget]) -> list[StackTarget]:
    """Topological order by `needs`, stable by (level, name); the mesh checks have already refused cycles."""
    level: dict[str, int] = {}
    by_name = {t.name: t for t in targets}

    def depth(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in level:
            if name in seen:
                raise DeployError(f"the stacks read each other in a cycle through {name}; `dmesh validate` names it", INVALID)
            level[name] = 1 + max((depth(n, seen | {name}) for n in by_name[name].needs), default=-1)
        return level[name]

    return sorted(targets, key=lambda t: (depth(t.name), not t.platform, t.name))
