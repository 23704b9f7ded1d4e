"""The difference between two versions of a project's graph: added, removed and modified nodes, what changed
in each, and a category per change as SQLMesh has them (docs/diff-categories.md states the rules):

- breaking: the node's data may change in a way its children see: they must rebuild too;
- non_breaking: only the node itself must rebuild (or rerun, for a test);
- metadata_only: nothing needs to rebuild.

A node's category is that of its most severe change; `impacted` lists the nodes downstream of a breaking
change (transitively) that must rebuild because of it. Every list is sorted by unique_id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import Any

from dvt.domain.graph.build import LogicalGraph
from dvt.domain.graph.comparison import (
    MacroChanges,
    appended_columns,
    appends_select_items,
    column_shape,
    column_summary,
    macro_changes,
    modifications,
    persist_docs,
    sql_tokens,
)
from dvt.domain.graph.model import Catalog, Column, GraphNode, Macro, Manifest


class Category(StrEnum):
    METADATA_ONLY = "metadata_only"
    NON_BREAKING = "non_breaking"
    BREAKING = "breaking"


_SEVERITY = {Category.METADATA_ONLY: 0, Category.NON_BREAKING: 1, Category.BREAKING: 2}


def most_severe(categories: Sequence[Category]) -> Category:
    return max(categories, key=_SEVERITY.__getitem__, default=Category.METADATA_ONLY)


class ChangeKind(StrEnum):
    BODY = "body"  # the code (SQL, Python), a seed's data, a unit test's definition
    COMPILED = "compiled"  # the same code compiles to other SQL (a macro, a var, the target)
    CONFIG = "config"  # a configured value (materialized, unique_key, hooks, severity, ...)
    RELATION = "relation"  # database, schema, alias / identifier, quoting
    CONTRACT = "contract"
    COLUMNS = "columns"  # declared (or, with catalogs, observed) columns and their types
    DESCRIPTION = "description"  # the node's or its columns' descriptions
    MACROS = "macros"  # a macro the node calls (at any depth) changed
    UPSTREAM = "upstream"  # the nodes it depends on
    METADATA = "metadata"  # tags, meta, path, group, access, versions, owner
    DEFINITION = "definition"  # what a non-SQL resource defines: freshness, test arguments, metric type, ...


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    category: Category
    message: str
    old: Any = None  # the value before and after, when small enough to show
    new: Any = None


@dataclass(frozen=True, slots=True)
class ModifiedNode:
    unique_id: str
    resource_type: str
    category: Category
    changes: tuple[Change, ...]
    state_modified: frozenset[str]  # dbt's `state:modified.<kind>` sub-kinds that select it


@dataclass(frozen=True, slots=True)
class NodeDelta:
    """A node only one version holds."""

    unique_id: str
    resource_type: str
    category: Category


@dataclass(frozen=True, slots=True)
class GraphDiff:
    added: tuple[NodeDelta, ...]
    removed: tuple[NodeDelta, ...]
    modified: tuple[ModifiedNode, ...]
    impacted: tuple[str, ...]  # downstream of a breaking change, not themselves its cause
    changed_macros: tuple[str, ...]  # added, removed or edited (empty when either side holds no macros)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.modified)


GraphVersion = Manifest | LogicalGraph

# What dbt builds into the warehouse: a change to its data reaches its children.
BUILT_TYPES = frozenset({"model", "seed", "snapshot", "function"})
# What runs without producing data others read: a change concerns the node alone.
RUN_ONLY_TYPES = frozenset({"test", "unit_test", "analysis", "operation", "sql_operation"})
# Described to dbt, never built by it.
DESCRIBED_TYPES = frozenset({"source", "exposure", "metric", "semantic_model"})
# What `impacted` lists: the types a build runs.
REBUILT_TYPES = frozenset({"model", "seed", "snapshot", "function", "test", "unit_test"})
_NOT_CODE_TYPES = DESCRIBED_TYPES | {"saved_query"}

# Config keys by the category of a change to them (keys not listed: breaking for built nodes).
METADATA_CONFIG_KEYS = frozenset(
    {"tags", "meta", "docs", "group", "access", "static_analysis", "description", "freshness", "enabled"}
)
NON_BREAKING_CONFIG_KEYS = frozenset(
    {
        "pre-hook", "post-hook", "pre_hook", "post_hook", "grants", "persist_docs", "on_configuration_change",
        "full_refresh", "on_schema_change", "concurrent_batches", "batch_size", "lookback", "labels", "query_tag",
        "snowflake_warehouse", "copy_grants", "transient", "cluster_by", "partition_by", "partitions",
        "require_partition_filter", "partition_expiration_days", "kms_key_name", "indexes", "sort", "dist",
        "sort_type", "bind", "file_format", "location_root", "tblproperties", "table_format", "contract",
    }
)  # fmt: skip
_RELATION_CONFIG_KEYS = frozenset({"database", "schema", "alias", "identifier"})
_METADATA_EXTRA = frozenset(
    {"deprecation_date", "source_description", "loader", "freshness", "loaded_at_field", "url", "maturity", "label"}
)
_EXTRA_SHOWN_ELSEWHERE = frozenset({"owner", "quoting", "unrendered_database", "unrendered_schema", "given"})

# The fields a node is screened on: equal on all of them (and no macro it calls changed) means unchanged.
# The rendered config is left out, as dbt leaves it out: the unrendered config and `materialized` stand for it.
_SCREENED = attrgetter(
    "checksum", "raw_code", "compiled_code", "depends_on", "unrendered_config", "materialized", "database",
    "schema", "alias", "relation_name", "description", "tags", "meta", "fqn", "path", "access", "group",
    "version", "latest_version", "contract_enforced", "contract_checksum", "tested_node", "test_metadata",
    "extra", "columns", "language",
)  # fmt: skip
_SMALL = 200  # longest repr of a value shown as old/new
_STATE_KINDS = {
    "body": ChangeKind.BODY,
    "configs": ChangeKind.CONFIG,
    "relation": ChangeKind.RELATION,
    "persisted_descriptions": ChangeKind.DESCRIPTION,
    "macros": ChangeKind.MACROS,
    "contract": ChangeKind.CONTRACT,
}


def diff(
    base: GraphVersion,
    head: GraphVersion,
    *,
    base_catalog: Catalog | None = None,
    head_catalog: Catalog | None = None,
) -> GraphDiff:
    """What changed from `base` to `head`. Macros are compared when both are manifests holding macros;
    catalogs, when given for both, add the columns the warehouse reports."""
    base_nodes = {node.unique_id: node for node in base.nodes}
    head_nodes = {node.unique_id: node for node in head.nodes}
    base_macros: Mapping[str, Macro] = base.macros if isinstance(base, Manifest) else {}
    head_macros: Mapping[str, Macro] = head.macros if isinstance(head, Manifest) else {}
    dbt_changes = macro_changes(base_macros, head_macros)
    ours = dbt_changes if base_macros and head_macros else macro_changes({}, {})
    context = _Context(base_nodes, head_nodes, ours, _observed(base_catalog, head_catalog))

    added: list[NodeDelta] = []
    modified: list[ModifiedNode] = []
    touch = ours.touch if ours.changed else None
    for unique_id, new in head_nodes.items():
        old = base_nodes.get(unique_id)
        if old is None:
            added.append(NodeDelta(unique_id, new.resource_type, _added_category(new)))
            continue
        if _unchanged(old, new) and not (touch and touch(new.depends_on_macros)):
            continue
        node = _modified(old, new, context, modifications(old, new, base_macros, head_macros, changes=dbt_changes))
        if node is not None:
            modified.append(node)
    removed = [
        NodeDelta(unique_id, base_nodes[unique_id].resource_type, _removed_category(base_nodes[unique_id]))
        for unique_id in base_nodes.keys() - head_nodes.keys()
    ]
    added.sort(key=_by_id)
    removed.sort(key=_by_id)
    modified.sort(key=_by_id)
    return GraphDiff(
        added=tuple(added),
        removed=tuple(removed),
        modified=tuple(modified),
        impacted=_impacted(head, head_nodes, modified, removed),
        changed_macros=tuple(sorted(ours.changed)),
    )


def _unchanged(old: GraphNode, new: GraphNode) -> bool:
    """Equal fingerprints, or (where a side has none) equal on every field the diff reads."""
    if old.fingerprint is not None and new.fingerprint is not None:
        return old.fingerprint == new.fingerprint
    return _SCREENED(old) == _SCREENED(new)


def _by_id(item: NodeDelta | ModifiedNode) -> str:
    return item.unique_id


def _added_category(node: GraphNode) -> Category:
    return Category.METADATA_ONLY if node.resource_type in DESCRIBED_TYPES else Category.NON_BREAKING


def _removed_category(node: GraphNode) -> Category:
    if node.resource_type in BUILT_TYPES or node.resource_type == "source":
        return Category.BREAKING  # whatever read it (or inlined it, if ephemeral) reads nothing now
    return Category.METADATA_ONLY


def _own_category(node: GraphNode) -> Category:
    """The category of a change to what the node computes, by its type."""
    kind = node.resource_type
    if kind in RUN_ONLY_TYPES or kind == "saved_query":
        return Category.NON_BREAKING
    if kind in DESCRIBED_TYPES:
        return Category.METADATA_ONLY
    return Category.BREAKING  # built types, and types we do not know: when unsure, breaking


@dataclass(slots=True)
class _Context:
    base: dict[str, GraphNode]
    head: dict[str, GraphNode]
    macros: MacroChanges
    observed: tuple[dict[str, tuple[Column, ...]], dict[str, tuple[Column, ...]]] | None


def _observed(
    base: Catalog | None, head: Catalog | None
) -> tuple[dict[str, tuple[Column, ...]], dict[str, tuple[Column, ...]]] | None:
    if base is None or head is None:
        return None
    return ({e.unique_id: e.columns for e in base.entries}, {e.unique_id: e.columns for e in head.entries})


# --- One node ------------------------------------------------------------------------------------------------


def _modified(old: GraphNode, new: GraphNode, context: _Context, state: frozenset[str]) -> ModifiedNode | None:
    changes: list[Change] = []
    code = _code_change(old, new, context) if new.resource_type not in _NOT_CODE_TYPES else None
    if code is not None:
        changes.append(code)
    changes += _upstream_changes(old, new)
    macros = _macro_change(new, context, code)
    if macros is not None:
        changes.append(macros)
    changes += _config_changes(old, new)
    changes += _relation_changes(old, new)
    changes += _contract_changes(old, new)
    changes += _column_changes(old, new, context)
    changes += _description_changes(old, new)
    changes += _metadata_changes(old, new)
    changes += _definition_changes(old, new)
    if not changes and state:  # a configured value changed, its rendered value did not: no effect
        changes = [
            Change(_STATE_KINDS[kind], Category.METADATA_ONLY, f"dbt's state:modified.{kind} selects it, no effect")
            for kind in sorted(state)
        ]
    if not changes:
        return None
    category = most_severe([change.category for change in changes])
    return ModifiedNode(new.unique_id, new.resource_type, category, tuple(changes), state)


def _code_change(old: GraphNode, new: GraphNode, context: _Context) -> Change | None:
    """A change of the code (BODY), or of the SQL the same code compiles to (COMPILED). The checksum decides
    whether the code changed; where both sides hold compiled SQL, it decides what the change means."""
    kind = new.resource_type
    if kind in ("seed", "unit_test"):
        if old.checksum == new.checksum:
            return None
        what = "seed data" if kind == "seed" else "unit test definition"
        return Change(ChangeKind.BODY, _own_category(new), f"{what} changed", old.checksum, new.checksum)
    if old.checksum is not None and new.checksum is not None:
        # Equal checksums: the same file (generic tests have an empty one: their code is generated from their
        # arguments and config, compared as such). Different ones with the same code: another node of the file.
        code_changed = old.checksum != new.checksum and (old.raw_code != new.raw_code or old.raw_code is None)
    else:
        code_changed = old.raw_code != new.raw_code
    sql = (new.language or "sql") == "sql"
    if sql and old.compiled_code and new.compiled_code:
        before, after = _compiled_tokens(old, context.base), _compiled_tokens(new, context.head)
        if not code_changed:
            if before == after:
                return None
            message = "same code, other compiled SQL (a macro, a var or the target changed)"
            return _sql_change(ChangeKind.COMPILED, old, new, before, after, message, context)
        if before == after:
            return Change(ChangeKind.BODY, Category.METADATA_ONLY, "code changed, compiles to the same SQL")
        return _sql_change(ChangeKind.BODY, old, new, before, after, "code changed", context)
    if not code_changed:
        return None
    if not sql or old.raw_code is None or new.raw_code is None:
        return Change(ChangeKind.BODY, _own_category(new), "code changed", old.checksum, new.checksum)
    before, after = sql_tokens(old.raw_code), sql_tokens(new.raw_code)
    if before == after:
        return Change(ChangeKind.BODY, Category.METADATA_ONLY, "code reformatted: only whitespace or comments changed")
    return _sql_change(ChangeKind.BODY, old, new, before, after, "code changed", context)


def _sql_change(
    kind: ChangeKind,
    old: GraphNode,
    new: GraphNode,
    before: tuple[str, ...],
    after: tuple[str, ...],
    message: str,
    context: _Context,
) -> Change:
    category = _own_category(new)
    if (
        category is Category.BREAKING
        and appends_select_items(before, after)
        and _columns_allow_append(old, new, context)
    ):
        return Change(kind, Category.NON_BREAKING, f"{message}: only adds columns at the end of the SELECT")
    return Change(kind, category, message)


def _columns_allow_append(old: GraphNode, new: GraphNode, context: _Context) -> bool:
    """Columns known on both sides (observed first, else declared) must only gain columns at the end."""
    if context.observed is not None:
        before, after = context.observed[0].get(old.unique_id), context.observed[1].get(new.unique_id)
        if before and after:
            return appended_columns(column_shape(before), column_shape(after)) is not False
    if old.columns and new.columns:
        return appended_columns(column_shape(old.columns), column_shape(new.columns)) is not False
    return True


def _compiled_tokens(node: GraphNode, nodes: Mapping[str, GraphNode]) -> tuple[str, ...]:
    """The compiled SQL's tokens, with the relation names of the node and its parents replaced by their
    unique_ids, so that two versions built into different schemas compare equal."""
    code = node.compiled_code or ""
    relations = {node.relation_name: node.unique_id}
    relations.update((nodes[p].relation_name, p) for p in node.depends_on if p in nodes)
    for relation in sorted((r for r in relations if r), key=len, reverse=True):  # "a.b_c" before "a.b"
        code = code.replace(relation, f"__relation__({relations[relation]})")
    return sql_tokens(code)


def _upstream_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    before, after = set(old.depends_on), set(new.depends_on)
    if before == after:
        return []
    gained, lost = sorted(after - before), sorted(before - after)
    parts = ([f"now depends on {', '.join(gained)}"] if gained else []) + (
        [f"no longer depends on {', '.join(lost)}"] if lost else []
    )
    return [Change(ChangeKind.UPSTREAM, _own_category(new), "; ".join(parts), _small(lost), _small(gained))]


def _macro_change(new: GraphNode, context: _Context, code: Change | None) -> Change | None:
    macros = context.macros
    if not macros.changed or not macros.touch(new.depends_on_macros):
        return None
    called = sorted(m for m in new.depends_on_macros if m in macros.affected or m not in macros.known)
    message = f"calls changed macros: {', '.join(called)}"
    if code is not None:
        return Change(ChangeKind.MACROS, code.category, message)
    old = context.base.get(new.unique_id)
    if old is not None and old.compiled_code and new.compiled_code:
        return Change(ChangeKind.MACROS, Category.METADATA_ONLY, f"{message}; the compiled SQL is the same")
    return Change(ChangeKind.MACROS, _own_category(new), message)


def config_category(node: GraphNode, key: str) -> Category:
    """The category of a change to the config `key` of `node`."""
    if key in METADATA_CONFIG_KEYS:
        return Category.METADATA_ONLY
    kind = node.resource_type
    if kind in DESCRIBED_TYPES:
        return Category.METADATA_ONLY
    if kind in RUN_ONLY_TYPES or kind == "saved_query" or key in NON_BREAKING_CONFIG_KEYS:
        return Category.NON_BREAKING
    return Category.BREAKING  # materialized, unique_key, incremental_strategy, snapshot strategy, unknown keys


def _config_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    """Changes of the config as the project wrote it (dbt's `unrendered_config`), and of the rendered
    materialization (which a var or the target may decide)."""
    before, after = old.unrendered_config, new.unrendered_config
    keys = [] if before == after else sorted(before.keys() | after.keys())
    changes = [
        _config_change(new, key, before.get(key), after.get(key))
        for key in keys
        if key not in _RELATION_CONFIG_KEYS  # reported as relation changes, from the rendered values
        and key not in ("tags", "meta")  # reported as metadata, from the rendered values
        and before.get(key) != after.get(key)  # a key set to null reads as a key not set
    ]
    if old.materialized != new.materialized and "materialized" not in keys:
        changes.append(_config_change(new, "materialized", old.materialized, new.materialized))
    return changes


def _config_change(node: GraphNode, key: str, old: Any, new: Any) -> Change:
    category = config_category(node, key)
    return Change(ChangeKind.CONFIG, category, f"{key}: {_shown(old)} -> {_shown(new)}", _small(old), _small(new))


def _relation_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    before = (old.database, old.schema, old.alias)
    after = (new.database, new.schema, new.alias)
    quoting = new.resource_type == "source" and old.extra.get("quoting") != new.extra.get("quoting")
    if before == after and old.relation_name == new.relation_name and not quoting:
        return []
    kind = new.resource_type
    if kind == "source" or (kind in BUILT_TYPES and new.materialized != "ephemeral"):
        category = Category.BREAKING  # children read from another relation
    elif kind in RUN_ONLY_TYPES:
        category = Category.NON_BREAKING  # a test's stored failures
    else:
        category = Category.METADATA_ONLY
    old_name = old.relation_name or ".".join(p for p in before if p)
    new_name = new.relation_name or ".".join(p for p in after if p)
    message = f"relation {old_name} -> {new_name}" if old_name != new_name else "quoting changed"
    return [Change(ChangeKind.RELATION, category, message, old_name, new_name)]


def _contract_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    if old.contract_enforced != new.contract_enforced:
        now = "now enforced" if new.contract_enforced else "no longer enforced"
        return [Change(ChangeKind.CONTRACT, Category.NON_BREAKING, f"contract {now}", old.contract_enforced, now)]
    if not new.contract_enforced or old.contract_checksum == new.contract_checksum:
        return []
    appended = appended_columns(column_shape(old.columns), column_shape(new.columns))
    if appended:
        return [Change(ChangeKind.CONTRACT, Category.NON_BREAKING, "contract gains columns at the end")]
    return [Change(ChangeKind.CONTRACT, Category.BREAKING, "contract changed: columns, types or constraints")]


def _column_changes(old: GraphNode, new: GraphNode, context: _Context) -> list[Change]:
    changes = []
    before, after = column_shape(old.columns), column_shape(new.columns)
    kind = new.resource_type
    built = kind in BUILT_TYPES
    if before != after:
        appended = appended_columns(before, after)
        if appended and built:
            category = Category.NON_BREAKING
        elif built and new.contract_enforced:
            category = Category.BREAKING
        else:
            category = Category.METADATA_ONLY  # declared columns document the node when no contract enforces them
        changes.append(Change(ChangeKind.COLUMNS, category, "declared columns " + column_summary(before, after)))
    elif [(c.meta, c.tags) for c in old.columns] != [(c.meta, c.tags) for c in new.columns]:
        changes.append(Change(ChangeKind.METADATA, Category.METADATA_ONLY, "column tags or meta changed"))
    if context.observed is not None and built:
        seen_before = column_shape(context.observed[0].get(old.unique_id, ()))
        seen_after = column_shape(context.observed[1].get(new.unique_id, ()))
        if seen_before and seen_after and seen_before != seen_after:
            appended = appended_columns(seen_before, seen_after)
            category = Category.NON_BREAKING if appended else Category.BREAKING
            summary = column_summary(seen_before, seen_after)
            changes.append(Change(ChangeKind.COLUMNS, category, "columns in the warehouse " + summary))
    return changes


def _description_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    changes = []
    persist = persist_docs(new)
    persisted = new.resource_type in BUILT_TYPES and new.materialized != "ephemeral"
    if old.description != new.description:
        category = Category.NON_BREAKING if persisted and persist.get("relation") else Category.METADATA_ONLY
        changes.append(
            Change(
                ChangeKind.DESCRIPTION,
                category,
                "description changed",
                _small(old.description),
                _small(new.description),
            )
        )
    before = {column.name: column.description for column in old.columns}
    after = {column.name: column.description for column in new.columns}
    changed = sorted(name for name in before.keys() & after.keys() if before[name] != after[name])
    if changed:
        category = Category.NON_BREAKING if persisted and persist.get("columns") else Category.METADATA_ONLY
        changes.append(Change(ChangeKind.DESCRIPTION, category, f"column descriptions changed: {', '.join(changed)}"))
    return changes


def _metadata_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    changes = []
    for field in ("tags", "meta", "fqn", "path", "group", "access", "version", "latest_version", "owner"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            changes.append(
                Change(
                    ChangeKind.METADATA,
                    Category.METADATA_ONLY,
                    f"{field}: {_shown(before)} -> {_shown(after)}",
                    _small(before),
                    _small(after),
                )
            )
    return changes


def _definition_changes(old: GraphNode, new: GraphNode) -> list[Change]:
    changes = []
    if old.test_metadata != new.test_metadata:
        changes.append(Change(ChangeKind.DEFINITION, _own_category(new), "test arguments changed"))
    before, after = old.extra, new.extra
    if before == after:
        return changes
    for key in sorted(before.keys() | after.keys()):
        if key in _EXTRA_SHOWN_ELSEWHERE or before.get(key) == after.get(key):
            continue
        category = _extra_category(new, key)
        old_value, new_value = before.get(key), after.get(key)
        changes.append(
            Change(
                ChangeKind.DEFINITION,
                category,
                f"{key}: {_shown(old_value)} -> {_shown(new_value)}",
                _small(old_value),
                _small(new_value),
            )
        )
    return changes


def _extra_category(node: GraphNode, key: str) -> Category:
    kind = node.resource_type
    if key in _METADATA_EXTRA:
        return Category.METADATA_ONLY
    if kind == "source":
        return Category.BREAKING if key == "external" else Category.METADATA_ONLY  # external: what children read
    if kind in DESCRIBED_TYPES:
        return Category.METADATA_ONLY
    if key == "constraints":
        return Category.NON_BREAKING  # applied when the node builds; its data stays the same
    return _own_category(node)  # function arguments and returns, saved query parameters, ...


def _small(value: Any) -> Any:
    """The value if it is small enough to carry in a change, else None."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= _SMALL else None
    return value if len(repr(value)) <= _SMALL else None


def _shown(value: Any) -> str:
    text = repr(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- Downstream of breaking changes ----------------------------------------------------------------------------


def _impacted(
    head: GraphVersion, head_nodes: Mapping[str, GraphNode], modified: list[ModifiedNode], removed: list[NodeDelta]
) -> tuple[str, ...]:
    """Every node downstream of a breaking change, in head. A child of a removed node either still names it
    (a dangling reference, found from the removed node) or no longer does, and is then itself modified."""
    roots = [node.unique_id for node in modified if node.category is Category.BREAKING]
    roots += [delta.unique_id for delta in removed if delta.category is Category.BREAKING]
    if not roots:
        return ()
    children = _children(head)
    impacted: set[str] = set()
    stack = roots
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in impacted:
                impacted.add(child)
                stack.append(child)
    return tuple(
        sorted(uid for uid in impacted if uid in head_nodes and head_nodes[uid].resource_type in REBUILT_TYPES)
    )


def _children(graph: GraphVersion) -> dict[str, list[str]]:
    if isinstance(graph, LogicalGraph):
        children: defaultdict[str, list[str]] = defaultdict(list)
        for edge in graph.edges:
            children[edge.parent].append(edge.child)
        return children
    children = defaultdict(list)
    for node in graph.nodes:
        unique_id = node.unique_id
        parents = node.depends_on
        for parent in parents:
            children[parent].append(unique_id)
        tested = node.tested_node
        if tested is not None and tested not in parents:
            children[tested].append(unique_id)
    return children
