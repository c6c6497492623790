"""The mesh: every domain under a root, and the rules that need all of them in view.

A grant or an input only makes sense across domains, so these checks run over every domain they read even when
one domain folder is validated: around it, only those (`load_mesh`'s focus).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import naming
from .errors import BlueprintError, Finding, PresetError
from .parallel_load import load_in_parallel
from .paths import leads_out, resolved
from .spec_cache import SpecCache
from .spec import DomainSpec, ProductRef
from .vocabulary import DOMAIN_FILE, PERSONAL_DATA, PROJECT_FILE

if TYPE_CHECKING:
    from .models import Preset


@dataclass(frozen=True)
class Mesh:
    root: Path
    domains: dict[str, DomainSpec]
    findings: list[Finding] = field(default_factory=list)
    broken: frozenset[str] = frozenset()
    summarised: frozenset[str] = frozenset()  # domains loaded without their contracts (see load_mesh's focus)

    @property
    def valid(self) -> bool:
        return not self.findings

    def complete(self) -> dict[str, DomainSpec]:
        """The domains loaded with their contracts."""
        return {name: spec for name, spec in self.domains.items() if name not in self.summarised}


def linked_out(folder: Path, root: Path) -> Path | None:
    """Where a folder of the mesh root that is a link leads, when that is out of the (resolved) root: a domain there
    is someone else's files, a CI runner's for one, which validation would read and quote and the review run."""
    return leads_out(folder, root) if folder.is_symlink() else None


def domain_name(folder: Path) -> str:
    """The name the mesh knows a domain folder's domain by, which its blueprint must carry: the folder's, or for a
    link inside the mesh root its target's (the loader holds metadata.name to the resolved folder)."""
    return resolved(folder).name if folder.is_symlink() else folder.name


def domain_folders(root: Path) -> list[Path]:
    """Sub-folders of the mesh root that hold a domain.yaml, in name order; none linked out of the root."""
    real = resolved(root)
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / DOMAIN_FILE).is_file() and linked_out(p, real) is None)


def _layout_findings(root: Path) -> list[Finding]:
    """A folder of the mesh root that is not a deployable domain is reported, never silently skipped."""
    findings = []
    real = resolved(root)
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        target = linked_out(folder, real)
        if target is not None:
            findings.append(Finding(folder / DOMAIN_FILE, 0, "", f"folder {folder.name!r} of the mesh root links to {target}, out of the mesh",
                                    "commit the domain's folder itself, not a link out of the mesh root"))
        elif not (folder / DOMAIN_FILE).is_file():
            findings.append(Finding(folder / DOMAIN_FILE, 0, "", f"folder {folder.name!r} of the mesh root holds no {DOMAIN_FILE}",
                                    "add the domain's blueprint (`dmesh init`) or move the folder out of the mesh root"))
        elif not (folder / PROJECT_FILE).is_file():
            findings.append(Finding(folder / PROJECT_FILE, 0, "", f"domain {folder.name!r} has no {PROJECT_FILE}, so no stack would deploy it",
                                    "add the Pulumi project file (`dmesh init` writes one)"))
    return findings


def _reference_findings(domains: Mapping[str, DomainSpec], broken: frozenset[str], unread: frozenset[str]) -> list[Finding]:
    findings = []
    known = ", ".join(sorted(domains.keys() | broken | unread))
    for domain in domains.values():
        for i, product in enumerate(domain.products):
            for j, ref in enumerate(product.inputs):
                where = f"spec.dataProducts[{i}].inputs[{j}]"
                if ref.domain in broken:  # the sibling's own errors are reported where they are; here, what it means for this domain
                    sibling = domain.folder.parent / ref.domain / DOMAIN_FILE
                    findings.append(Finding(domain.file, domain.line_of(where), where,
                                            f"reads {ref} from domain {ref.domain!r}, whose blueprint is invalid ({sibling})",
                                            f"this domain cannot be built until {ref.domain} is fixed: `dmesh validate {sibling.parent}`"))
                    continue
                producer = domains.get(ref.domain)
                if producer is None:
                    if ref.domain not in unread:  # a domain this load did not read is not judged here (a focus's load reads all it reads)
                        findings.append(Finding(domain.file, domain.line_of(where), where, f"unknown domain {ref.domain!r}", f"known domains: {known}"))
                    continue
                upstream = producer.product(ref.product)
                if upstream is None:
                    findings.append(Finding(domain.file, domain.line_of(where), where, f"domain {ref.domain!r} has no product {ref.product!r}",
                                            f"its products: {', '.join(p.name for p in producer.products)}"))
                    continue
                if ref.domain != domain.name and domain.name not in upstream.grants:
                    findings.append(Finding(domain.file, domain.line_of(where), where,
                                            f"{ref} does not grant domain {domain.name!r}",
                                            f"ask {producer.owner} to add `grants: [{{domain: {domain.name}}}]` to {ref.product}"))
                    continue
                if upstream.classification == PERSONAL_DATA and product.classification != PERSONAL_DATA:
                    cls_where = f"spec.dataProducts[{i}].classification"
                    findings.append(Finding(domain.file, domain.line_of(cls_where), cls_where,
                                            f"reads restricted input {ref} but is classified {product.classification}",
                                            f"a product derived from personal data must be classified {PERSONAL_DATA}"))
            for j, grantee in enumerate(product.grants):
                where = f"spec.dataProducts[{i}].grants[{j}].domain"
                if grantee not in domains and grantee not in broken and grantee not in unread:
                    findings.append(Finding(domain.file, domain.line_of(where), where, f"grant to unknown domain {grantee!r}",
                                            f"known domains: {known}"))
    return findings


def _cycles(graph: Mapping[ProductRef, tuple[ProductRef, ...]]) -> dict[ProductRef, frozenset[ProductRef]]:
    """Each product that lies on a lineage cycle, with the products of its strongly connected component.

    Tarjan's algorithm, iterative: a mesh's lineage chains can be longer than Python's recursion limit."""
    index: dict[ProductRef, int] = {}
    low: dict[ProductRef, int] = {}
    stack: list[ProductRef] = []
    on_stack: set[ProductRef] = set()
    cyclic: dict[ProductRef, frozenset[ProductRef]] = {}
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for upstream in edges:
                if upstream not in graph:
                    continue
                if upstream not in index:
                    index[upstream] = low[upstream] = len(index)
                    stack.append(upstream)
                    on_stack.add(upstream)
                    work.append((upstream, iter(graph[upstream])))
                    break
                if upstream in on_stack:
                    low[node] = min(low[node], index[upstream])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        members = frozenset(component)
                        cyclic.update((member, members) for member in component)
    return cyclic


def _shortest_cycle(graph: Mapping[ProductRef, tuple[ProductRef, ...]], node: ProductRef, component: frozenset[ProductRef]) -> list[ProductRef]:
    """`node <- ... <- node` through the fewest products (breadth first, inputs in their blueprint order): the same
    cycle whichever product the search of the mesh met first, so each product's finding reads the same in a
    one-domain validation as in the whole mesh's."""
    parents: dict[ProductRef, ProductRef | None] = {node: None}
    queue = deque([node])
    while queue:
        current = queue.popleft()
        for upstream in graph[current]:
            if upstream == node:
                path = [current]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return [*reversed(path), node]
            if upstream in component and upstream not in parents:
                parents[upstream] = current
                queue.append(upstream)
    raise AssertionError(f"{node} is in a cyclic component but no cycle returns to it")


def _cycle_findings(domains: Mapping[str, DomainSpec]) -> list[Finding]:
    """Every product on a lineage cycle, at its own inputs: a cycle is each of its domains' error, so validating any
    one of them finds it (a search that reported each cycle once, where it happened to close, left the others
    valid)."""
    graph: dict[ProductRef, tuple[ProductRef, ...]] = {
        ProductRef(d.name, p.name): p.inputs for d in domains.values() for p in d.products
    }
    findings: list[Finding] = []
    for node, component in sorted(_cycles(graph).items(), key=lambda item: str(item[0])):
        domain = domains[node.domain]
        index = next(i for i, p in enumerate(domain.products) if p.name == node.product)
        where = f"spec.dataProducts[{index}].inputs"
        findings.append(Finding(domain.file, domain.line_of(where), where,
                                "lineage cycle: " + " <- ".join(str(r) for r in _shortest_cycle(graph, node, component)),
                                "a product cannot depend on itself, directly or through other products"))
    return findings


def _override_findings(domains: Mapping[str, DomainSpec], rules: Mapping[str, str]) -> list[Finding]:
    findings = []
    for domain in domains.values():
        for rule, level in domain.overrides:
            where = f"spec.governance.overrides.{rule}"
            default = rules.get(rule)
            if default is None:
                findings.append(Finding(domain.file, domain.line_of(where), where, f"unknown policy rule {rule!r}",
                                        "`dmesh rules` lists the rules and their levels"))
            elif default == "mandatory":
                findings.append(Finding(domain.file, domain.line_of(where), where,
                                        f"{rule!r} is a mandatory global rule; a domain cannot override it (asked: {level})",
                                        "only advisory rules can be tuned per domain; talk to the platform team"))
    return findings


def _collision_findings(domains: Mapping[str, DomainSpec]) -> list[Finding]:
    """Two places that derive one physical name would share a bucket, a role or a namespace: refuse both, naming the other."""
    owners: dict[tuple[str, str], list[tuple[DomainSpec | None, str]]] = {key: [(None, "")] for key in naming.RESERVED}
    for domain in domains.values():
        for key in naming.domain_names(domain.name):
            owners.setdefault(key, []).append((domain, "metadata.name"))
        for i, p in enumerate(domain.products):
            for key in naming.product_names(domain.name, p.name, p.s3 is not None, p.kinesis is not None, p.pipeline is not None):
                owners.setdefault(key, []).append((domain, f"spec.dataProducts[{i}].name"))
    findings = []
    for (target, name), places in owners.items():
        if len(places) < 2 or target not in naming.MESH_WIDE:
            continue
        for domain, where in places:
            if domain is None:
                continue
            others = ["the platform stack" if d is None else f"{d.file}:{d.line_of(w)} ({w})" for d, w in places if (d, w) != (domain, where)]
            findings.append(Finding(domain.file, domain.line_of(where), where, f"{target} name {name!r} is also derived by {', '.join(others)}",
                                    "rename one of them: one physical name, one owner"))
    return findings


def check_mesh(domains: Mapping[str, DomainSpec], rules: Mapping[str, str], broken: frozenset[str] = frozenset(),
               unread: frozenset[str] = frozenset()) -> list[Finding]:
    """Cross-domain findings; `rules` maps each policy rule name to its mesh-wide level. `broken` domains failed to
    load, `unread` ones exist but were not loaded (around a focus): a reference to either is not to an unknown domain."""
    return _reference_findings(domains, broken, unread) + _cycle_findings(domains) + _override_findings(domains, rules) + _collision_findings(domains)


def _given(loaded: DomainSpec | BlueprintError) -> DomainSpec:
    if isinstance(loaded, BlueprintError):
        raise loaded
    return loaded


def _load(folder: Path, presets: Mapping[str, Preset], with_contracts: bool) -> DomainSpec:
    from .loader import load_domain  # its models, YAML readers and schema checks load on the first domain not cached

    return load_domain(folder, dict(presets), with_contracts=with_contracts)


@dataclass
class _Loading:
    """What one load of a mesh has gathered so far."""

    cache: SpecCache
    parallel: bool
    domains: dict[str, DomainSpec] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    summarised: set[str] = field(default_factory=set)

    def load(self, folders: list[Path], complete: Callable[[Path], bool] = lambda _folder: True) -> None:
        """Load `folders` (whole, or as summaries where `complete` says not), on every core when there are enough."""
        loaded = load_in_parallel(self.cache, folders, _load, complete) if self.parallel else {}
        for folder in folders:
            with_contracts = complete(folder)
            try:
                spec = _given(loaded.pop(folder)) if folder in loaded else self.cache.load(folder, with_contracts, _load)
            except PresetError:  # a broken packaged preset is the platform's bug, not this domain's finding
                raise
            except BlueprintError as exc:
                self.findings += exc.findings
                self.broken.add(domain_name(folder))
                continue
            self.domains[spec.name] = spec
            if not with_contracts:
                self.summarised.add(spec.name)


def _around(loading: _Loading, focus: DomainSpec, folders: Mapping[str, Path]) -> None:
    """Load what the mesh checks of `focus` read: the domains it reads whole (their contracts concern it), the
    domains upstream of those as summaries (a cycle through the focus runs through them only), and the siblings whose
    physical names it could share (`naming.may_share_names`). A grant needs only its grantee's folder to exist."""
    direct = {ref.domain for p in focus.products for ref in p.inputs}
    seen = {focus.name}
    frontier = sorted(direct & folders.keys() - seen)
    while frontier:
        seen.update(frontier)
        loading.load([folders[name] for name in frontier], lambda folder: domain_name(folder) in direct)
        upstream = {ref.domain for name in frontier if name in loading.domains for p in loading.domains[name].products for ref in p.inputs}
        frontier = sorted(upstream & folders.keys() - seen)
    loading.load([folders[name] for name in sorted(folders) if name not in seen and naming.may_share_names(focus.name, name)],
                 lambda _folder: False)


def _folder_of(focus: Path, folders: list[Path]) -> list[Path]:
    """The mesh's folder of `focus`: the one of its name, resolved alike, else any that resolves to it (a link inside
    the mesh root named otherwise); resolving every folder walks each one's path, 2 ms for 200 domains."""
    real = focus.resolve()
    return [f for f in folders if f.name == focus.name and f.resolve() == real] or [f for f in folders if f.resolve() == real]


def load_mesh(root: Path, rules: Mapping[str, str], presets: Mapping[str, Preset] | None = None, focus: Path | None = None,
              parallel: bool = False) -> Mesh:
    """Load every domain under `root` and run the mesh checks; collects findings (a broken packaged preset, the
    platform's bug, raises PresetError).

    With a `focus` domain folder, only what the mesh checks of that domain read is loaded (`_around`): its findings
    are the whole mesh's findings about it, at the cost of a handful of domains whatever the mesh's size. The other
    domains are not in the result; those loaded without their contracts are `summarised`, and their own errors are
    theirs: `dmesh validate` of the whole mesh reports them.

    With `parallel` (the caller knows forking is safe), the domains the cache does not hold are loaded on every core
    when there are enough of them (`parallel_load.py`); the result is the same.
    """
    findings = _layout_findings(root)
    folders = domain_folders(root)
    loading = _Loading(SpecCache(presets), parallel)  # presets None: the packaged ones, read only when a domain is not in the cache
    chosen = _folder_of(focus, folders) if focus is not None else []
    names = {domain_name(folder): folder for folder in folders}
    if chosen:
        loading.load(chosen)
        if domain_name(chosen[0]) in loading.domains:
            _around(loading, loading.domains[domain_name(chosen[0])], names)
    else:
        loading.load(folders)
    unread = frozenset(names) - loading.domains.keys() - loading.broken
    findings += loading.findings + check_mesh(loading.domains, rules, frozenset(loading.broken), unread)
    return Mesh(root, loading.domains, findings, frozenset(loading.broken), frozenset(loading.summarised))
