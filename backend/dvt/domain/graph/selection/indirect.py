"""Indirect selection: the tests that come along with the resources a criterion selected (dbt's
NodeSelector.expand_selection and incorporate_indirect_nodes, dbt-core 1.11).

Only data tests and unit tests come along, and only those that depend directly on a selected resource:
eager takes each one; cautious takes it when every resource it depends on is selected; buildable also
when each is selected, an ancestor of the selection, or a source. Tests a criterion leaves aside under
cautious or buildable are kept as "indirect": a union or intersection of criteria takes them when the
combined selection has all their parents (data tests only: dbt never looks at unit tests again).
"""

from __future__ import annotations

from .criteria import IndirectSelection
from .index import NODES, GraphIndex, section_of
from .traversal import walk

TEST_TYPES = frozenset({"test", "unit_test"})


def expand(
    index: GraphIndex, selected: set[str], mode: IndirectSelection, reasons: dict[str, list[str]] | None
) -> tuple[set[str], set[str]]:
    """(directly selected, left aside) after adding the tests of `selected` that `mode` takes."""
    direct = set(selected)
    aside: set[str] = set()
    buildable: set[str] | None = None
    nodes, children = index.nodes, index.children
    successors = {child for uid in selected for child in children.get(uid, ())}
    for unique_id in successors:
        node = nodes[unique_id]
        if node.resource_type not in TEST_TYPES:
            continue
        if mode is IndirectSelection.EAGER or selected.issuperset(node.depends_on):
            take = True
        elif mode is IndirectSelection.BUILDABLE:
            if buildable is None:
                buildable = selected | walk(index.parents, selected) | set(index.section("sources"))
            take = buildable.issuperset(node.depends_on)
        else:
            take = False
        if take:
            direct.add(unique_id)
            if reasons is not None and unique_id not in selected:
                parents = sorted(p for p in node.depends_on if p in selected)
                reasons.setdefault(unique_id, []).append(f"test of {', '.join(parents)} ({mode.value})")
        elif mode is not IndirectSelection.EMPTY:
            aside.add(unique_id)
    return direct, aside


def incorporate(
    index: GraphIndex,
    direct: set[str],
    candidates: set[str],
    mode: IndirectSelection,
    reasons: dict[str, list[str]] | None,
) -> set[str]:
    """The combined selection plus the tests left aside whose parents it now holds (cautious, buildable)."""
    if direct == candidates or mode not in (IndirectSelection.CAUTIOUS, IndirectSelection.BUILDABLE):
        return direct
    selected = set(direct)
    enough = selected if mode is IndirectSelection.CAUTIOUS else selected | walk(index.parents, selected)
    for unique_id in candidates:
        node = index.nodes.get(unique_id)
        if node is None or section_of(node.resource_type) != NODES or unique_id in selected:
            continue  # dbt only looks again at the `nodes` map: never at unit tests
        if enough.issuperset(node.depends_on):
            selected.add(unique_id)
            if reasons is not None:
                reasons.setdefault(unique_id, []).append(f"test of {', '.join(node.depends_on)} ({mode.value})")
    return selected
