"""Node selection over a graph version: `select(index, ["state:modified+"], ...)`, answering what
`dbt ls --select ... --exclude ... --selector ... --indirect-selection ... --state ...` answers.

The order of work is dbt's: each criterion finds its resources with its method, adds its graph
neighbours, then the tests indirect selection brings; unions, intersections and differences combine
those sets, each taking the tests its parts left aside once the combined set holds their parents.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from dvt.domain.errors import ValidationError

from .criteria import Criterion, IndirectSelection, SetOperation, Spec, indirect_selection, parse_difference
from .index import GraphIndex
from .indirect import expand, incorporate
from .methods import Evidence, search
from .state import StateView
from .traversal import walk
from .yaml_selectors import default_selector_name, parse_selectors

# What `dbt ls --resource-type all` lists: everything it selects but hooks and SQL operations.
LISTED_RESOURCE_TYPES = frozenset(
    {
        "model", "snapshot", "seed", "test", "source", "exposure", "metric", "saved_query", "semantic_model",
        "unit_test", "function", "analysis",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Selection:
    unique_ids: frozenset[str]
    # unique_id -> the criteria that selected it, e.g. ["tag:nightly", "+fct_orders (parent of model.p.b)"]
    reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # what dbt warns about: criteria that match nothing, an empty selection


def select(
    index: GraphIndex,
    select: Sequence[str],
    exclude: Sequence[str] = (),
    selector: str | None = None,
    indirect: str = "eager",
    state: StateView | None = None,
    results: Mapping[str, str] | None = None,
    source_status: Mapping[str, str] | None = None,
    *,
    resource_types: Collection[str] | None = None,
) -> Selection:
    """The resources dbt would select. resource_types, when given, keeps only those (as `--resource-type`).

    `selector` names a YAML selector of the manifest and, as in dbt, takes precedence over select and
    exclude; with neither select nor exclude, a selector marked `default: true` applies.
    """
    mode = indirect_selection(indirect)
    include = [select] if isinstance(select, str) else list(select)
    omit = [exclude] if isinstance(exclude, str) else list(exclude)
    warnings: list[str] = []
    spec: Spec
    if selector is not None:
        selectors = parse_selectors(index.selectors, mode)
        if selector not in selectors:
            raise ValidationError(f"Could not find selector named {selector}, expected one of {list(selectors)}")
        if include or omit:
            warnings.append(f"--select and --exclude are ignored when selector '{selector}' is given")
        spec = selectors[selector].spec
    elif not include and not omit and (default := default_selector_name(index.selectors)) is not None:
        spec = parse_selectors(index.selectors, mode)[default].spec
    else:
        spec = parse_difference(include, omit, mode)
    evaluation = _Evaluation(index, Evidence(state, results, source_status), warnings)
    direct, _ = evaluation.run(spec, counts=True)
    if resource_types is not None:
        kept = frozenset(resource_types)
        direct = {u for u in direct if index.nodes[u].resource_type in kept}
    if not direct:
        warnings.append("No nodes selected!")
    reasons = evaluation.reasons
    return Selection(
        unique_ids=frozenset(direct),
        reasons={u: tuple(dict.fromkeys(reasons.get(u, ()))) for u in direct},
        warnings=tuple(warnings),
    )


class _Evaluation:
    def __init__(self, index: GraphIndex, evidence: Evidence, warnings: list[str]) -> None:
        self.index = index
        self.evidence = evidence
        self.warnings = warnings
        self.reasons: dict[str, list[str]] = {}

    def run(self, spec: Spec, counts: bool) -> tuple[set[str], set[str]]:
        """(selected, selected plus tests left aside). `counts` is False under an exclusion, whose
        criteria explain nothing that stays selected."""
        if isinstance(spec, Criterion):
            return self.criterion(spec, counts)
        return self.combine(spec, counts)

    def criterion(self, spec: Criterion, counts: bool) -> tuple[set[str], set[str]]:
        index = self.index
        reasons = self.reasons if counts else None
        found = search(index, spec.method, spec.arguments, spec.value, self.evidence)
        if reasons is not None:
            direct_reason = spec.method_text
            for unique_id in found:
                reasons.setdefault(unique_id, []).append(direct_reason)
        neighbours: set[str] = set()
        if spec.childrens_parents:
            via_children: dict[str, str] = {}
            descendants = walk(index.children, found, None, via_children) | found
            via_parents: dict[str, str] = {}
            neighbours |= walk(index.parents, descendants, None, via_parents) | descendants
            if reasons is not None:
                self._explain(via_children, f"{spec.text} (child of {{}})")
                self._explain(via_parents, f"{spec.text} (parent of {{}})")
        if spec.parents:
            via: dict[str, str] = {}
            neighbours |= walk(index.parents, found, spec.parents_depth, via)
            if reasons is not None:
                self._explain(via, f"{spec.text} (parent of {{}})")
        if spec.children:
            via = {}
            neighbours |= walk(index.children, found, spec.children_depth, via)
            if reasons is not None:
                self._explain(via, f"{spec.text} (child of {{}})")
        selected = found | neighbours
        if spec.indirect is IndirectSelection.EMPTY:
            return selected, set()
        direct, aside = expand(index, selected, spec.indirect, reasons)
        return direct, aside

    def combine(self, spec: SetOperation, counts: bool) -> tuple[set[str], set[str]]:
        directs: list[set[str]] = []
        candidates: list[set[str]] = []
        for position, component in enumerate(spec.components):
            counted = counts and (spec.operator != "difference" or position == 0)
            direct, aside = self.run(component, counted)
            directs.append(direct)
            candidates.append(direct | aside)
        if not directs:
            return set(), set()
        if spec.operator == "union":
            direct, candidate = set().union(*directs), set().union(*candidates)
        elif spec.operator == "intersection":
            direct, candidate = set.intersection(*directs), set.intersection(*candidates)
        else:
            direct, candidate = directs[0].difference(*directs[1:]), candidates[0].difference(*candidates[1:])
        direct = incorporate(self.index, direct, candidate, spec.indirect, self.reasons if counts else None)
        if spec.expect_exists and not direct:
            self.warnings.append(f"The selection criterion '{spec.text}' does not match any enabled nodes")
        return direct, candidate

    def _explain(self, via: dict[str, str], template: str) -> None:
        for unique_id, origin in via.items():
            self.reasons.setdefault(unique_id, []).append(template.format(origin))
