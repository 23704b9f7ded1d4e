"""dbt's `state:modified` comparison of one node in two versions of a project, as dbt-core 1.11 computes it.

Written from what dbt does (dbt/contracts/graph/nodes.py `same_*`, dbt/graph/selector_methods.py
`StateSelectorMethod`), on our normalised nodes:

- `body`: the raw code differs; for seeds, the file checksum.
- `configs`: the *unrendered* config (as the project wrote it) differs, leaving out the keys dbt leaves out:
  alias, schema, database, tags and group for models, seeds, snapshots, analyses, hooks and functions; only
  severity, where, limit, fail_calc, warn_if, error_if, store_failures(_as) count for tests; group is left out
  for metrics; semantic models and saved queries compare their rendered config; unit tests have none.
- `relation`: the unrendered database, schema or alias differs; for sources the database and schema (rendered,
  unless the project sets `state_modified_compare_more_unrendered_values`) and the identifier.
- `persisted_descriptions`: with `persist_docs.relation` (of the new node), the description differs; with
  `persist_docs.columns`, a column's description differs. Tests never persist docs.
- `macros`: a macro the node calls, or one those call, at any depth, was added, removed or had its SQL changed.
  When no macro in the project changed, nothing is macro-modified.
- `contract`: models only: the contract was enforced on either side and is not enforced on both with the
  same checksum.

One difference: the readers turn CRLF into LF in code and descriptions, so a change of line endings only is
not a change here, where dbt sees one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dvt.domain.graph.model import Column, GraphNode, JsonDict, Macro


class StateModification(StrEnum):
    """The sub-kinds of dbt's `state:modified.<kind>` selector, in dbt's words."""

    BODY = "body"
    CONFIGS = "configs"
    RELATION = "relation"
    PERSISTED_DESCRIPTIONS = "persisted_descriptions"
    MACROS = "macros"
    CONTRACT = "contract"


# dbt's ParsedNode subclasses: nodes with a body, a configured relation, persisted docs and a contract check.
PARSED_NODE_TYPES = frozenset(
    {"model", "seed", "snapshot", "test", "analysis", "operation", "sql_operation", "function"}
)
_CONFIG_KEYS_IGNORED = {
    # NodeConfig: alias/schema/database are the relation's business, tags and group are not "changes"
    **dict.fromkeys(PARSED_NODE_TYPES - {"test"}, frozenset({"alias", "schema", "database", "tags", "group"})),
    "source": frozenset(),
    "exposure": frozenset(),
    "metric": frozenset({"group"}),
}
# TestConfig compares these keys only.
_TEST_CONFIG_KEYS = (
    "severity",
    "where",
    "limit",
    "fail_calc",
    "warn_if",
    "error_if",
    "store_failures",
    "store_failures_as",
)
_RENDERED_CONFIG_TYPES = frozenset({"semantic_model", "saved_query"})  # compared with `config == config`
# Types whose `same_contents(None)` is True: a new one is not `state:modified` (it is `state:new`).
_NEW_IS_UNMODIFIED = frozenset({"source", "exposure", "metric", "semantic_model", "saved_query"})
_RELATION_KEYS = ("database", "schema", "alias")
_SOURCE_FIELDS = ("quoting", "freshness", "loaded_at_field", "external")  # compared by SourceDefinition.same_contents


@dataclass(frozen=True, slots=True)
class MacroChanges:
    """The macros that differ between two versions, and every macro that calls one of them at any depth."""

    changed: frozenset[str]  # added, removed, or whose SQL changed
    affected: frozenset[str]  # changed, or calling (directly or not) a changed or unknown macro
    known: frozenset[str]  # every macro of the new version

    def touch(self, macros: Iterable[str]) -> bool:
        """Whether a node calling `macros` is `state:modified.macros`."""
        if not self.changed:
            return False  # dbt does not look further when no macro changed
        return any(m in self.affected or m not in self.known for m in macros)


def macro_changes(old_macros: Mapping[str, Macro], new_macros: Mapping[str, Macro]) -> MacroChanges:
    changed = {
        uid
        for uid, macro in new_macros.items()
        if (old := old_macros.get(uid)) is None or old.checksum != macro.checksum
    }
    changed.update(uid for uid in old_macros if uid not in new_macros)
    known = frozenset(new_macros)
    if not changed:
        return MacroChanges(frozenset(), frozenset(), known)
    callers: dict[str, list[str]] = {}
    for uid, macro in new_macros.items():
        for callee in macro.depends_on_macros:
            callers.setdefault(callee, []).append(uid)
    # A macro calling one that no version holds would stop dbt; here it counts as changed.
    affected = changed | {callee for callee in callers if callee not in known and callee not in changed}
    stack = list(affected)
    while stack:
        for caller in callers.get(stack.pop(), ()):
            if caller not in affected:
                affected.add(caller)
                stack.append(caller)
    return MacroChanges(frozenset(changed), frozenset(affected), known)


_last_changes: list[tuple[Mapping[str, Macro], Mapping[str, Macro], MacroChanges]] = []


def _changes_between(old_macros: Mapping[str, Macro], new_macros: Mapping[str, Macro]) -> MacroChanges:
    """macro_changes, remembered for the last pair of mappings (a selection compares every node against one
    pair). The mappings are taken as immutable, as the graph versions they come from are."""
    if _last_changes:
        old, new, changes = _last_changes[0]
        if old is old_macros and new is new_macros:
            return changes
    changes = macro_changes(old_macros, new_macros)
    _last_changes[:] = [(old_macros, new_macros, changes)]
    return changes


def modifications(
    old: GraphNode | None,
    new: GraphNode,
    old_macros: Mapping[str, Macro],
    new_macros: Mapping[str, Macro],
    *,
    changes: MacroChanges | None = None,
    compare_more_unrendered_values: bool = False,
) -> frozenset[str]:
    """The `state:modified.<kind>` sub-kinds that select `new` against `old`, as dbt-core 1.11 decides them.

    `old` is None for a node the old version does not hold: dbt then counts every sub-kind the node's type
    has. `changes` (from macro_changes) saves recomputing the changed macros when comparing many nodes;
    `compare_more_unrendered_values` is dbt's project flag of that name (sources' relation only).
    """
    if changes is None:
        changes = _changes_between(old_macros, new_macros)
    kinds: list[str] = []
    kind = new.resource_type
    if kind in PARSED_NODE_TYPES:
        if old is None:
            kinds += [StateModification.BODY, StateModification.CONFIGS, StateModification.PERSISTED_DESCRIPTIONS]
            kinds += [StateModification.RELATION, StateModification.CONTRACT]
        else:
            if not same_body(old, new):
                kinds.append(StateModification.BODY)
            if not same_config(old, new):
                kinds.append(StateModification.CONFIGS)
            if not same_persisted_description(old, new):
                kinds.append(StateModification.PERSISTED_DESCRIPTIONS)
            if not same_relation(old, new):
                kinds.append(StateModification.RELATION)
            if not same_contract(old, new):
                kinds.append(StateModification.CONTRACT)
    elif kind in _CONFIG_KEYS_IGNORED or kind in _RENDERED_CONFIG_TYPES:  # source, exposure, metric, semantic...
        if old is None or not same_config(old, new):
            kinds.append(StateModification.CONFIGS)
        if kind == "source" and (old is None or not same_source_relation(old, new, compare_more_unrendered_values)):
            kinds.append(StateModification.RELATION)
    if kind != "source" and changes.touch(new.depends_on_macros):  # a source depends on no macro
        kinds.append(StateModification.MACROS)
    return frozenset(kinds)


def state_modified(
    old: GraphNode | None,
    new: GraphNode,
    old_macros: Mapping[str, Macro],
    new_macros: Mapping[str, Macro],
    *,
    changes: MacroChanges | None = None,
    compare_more_unrendered_values: bool = False,
) -> bool:
    """Whether dbt's plain `state:modified` selects `new`: its contents differ (per type, as dbt's
    `same_contents`), a macro it calls changed, or its contract changed."""
    if changes is None:
        changes = _changes_between(old_macros, new_macros)
    kind = new.resource_type
    if kind != "source" and changes.touch(new.depends_on_macros):
        return True
    if old is None:
        return kind not in _NEW_IS_UNMODIFIED
    if kind in PARSED_NODE_TYPES:
        if kind == "test" and new.test_metadata is not None:  # generic tests: config and fqn only
            return not (same_config(old, new) and old.fqn == new.fqn)
        same = (
            same_body(old, new)
            and same_config(old, new)
            and same_persisted_description(old, new)
            and old.fqn == new.fqn
            and same_relation(old, new)
            and same_contract(old, new)
        )
        if kind == "model":
            same = same and (
                old.latest_version == new.latest_version
                and old.access == new.access
                and old.extra.get("deprecation_date") == new.extra.get("deprecation_date")
            )
        elif kind == "function":
            same = same and all(old.extra.get(k) == new.extra.get(k) for k in ("arguments", "returns"))
        return not same
    if kind == "source":
        return not (
            same_source_relation(old, new, compare_more_unrendered_values)
            and old.fqn == new.fqn
            and same_config(old, new)
            and all(old.extra.get(k) == new.extra.get(k) for k in _SOURCE_FIELDS)
        )
    if kind == "exposure":
        return not (
            old.fqn == new.fqn
            and all(old.extra.get(k) == new.extra.get(k) for k in ("type", "owner", "maturity", "url", "label"))
            and old.description == new.description
            and set(old.depends_on) == set(new.depends_on)
            and same_config(old, new)
        )
    if kind == "metric":
        return not (
            all(old.extra.get(k) == new.extra.get(k) for k in ("type", "label"))
            and old.description == new.description
            and same_config(old, new)
        )
    if kind in _RENDERED_CONFIG_TYPES:
        return old.extra.get("definition_checksum") != new.extra.get("definition_checksum")
    if kind == "unit_test":
        return old.checksum != new.checksum
    return False


def same_body(old: GraphNode, new: GraphNode) -> bool:
    if new.resource_type == "seed":
        return old.checksum == new.checksum
    return old.raw_code == new.raw_code


def same_config(old: GraphNode, new: GraphNode) -> bool:
    kind = new.resource_type
    if kind in _RENDERED_CONFIG_TYPES:
        return old.config == new.config
    before, after = old.unrendered_config, new.unrendered_config
    if kind == "test":
        return all(_same_key(before, after, key) for key in _TEST_CONFIG_KEYS)
    ignored = _CONFIG_KEYS_IGNORED.get(kind)
    if ignored is None:
        return True  # unit tests and types dbt does not compare by config
    if before == after:
        return True
    if not ignored:
        return False
    return _without(before, ignored) == _without(after, ignored)


def _same_key(before: JsonDict, after: JsonDict, key: str) -> bool:
    """A key absent on one side only differs, even from an explicit null on the other (as dbt's compare_key)."""
    if key in before:
        return key in after and before[key] == after[key]
    return key not in after


def _without(config: JsonDict, ignored: frozenset[str]) -> JsonDict:
    return {key: value for key, value in config.items() if key not in ignored}


def persist_docs(node: GraphNode) -> JsonDict:
    """The node's rendered `persist_docs` config ({} when unset or malformed)."""
    value = node.config.get("persist_docs")
    return value if isinstance(value, dict) else {}


def same_persisted_description(old: GraphNode, new: GraphNode) -> bool:
    if new.resource_type == "test":
        return True  # TestConfig has no persist_docs
    persist = persist_docs(new)  # the new node's setting decides, as in dbt; a change of it is a config change
    if persist.get("relation") and old.description != new.description:
        return False
    if persist.get("columns"):
        before = {column.name: column.description for column in old.columns}
        after = {column.name: column.description for column in new.columns}
        if before != after:
            return False
    return True


def same_relation(old: GraphNode, new: GraphNode) -> bool:
    """The configured (unrendered) database, schema and alias: generate_*_name and the target do not count."""
    before, after = old.unrendered_config, new.unrendered_config
    return all(before.get(key) == after.get(key) for key in _RELATION_KEYS)


def same_source_relation(old: GraphNode, new: GraphNode, compare_more_unrendered_values: bool = False) -> bool:
    if compare_more_unrendered_values:
        same = all(old.extra.get(k) == new.extra.get(k) for k in ("unrendered_database", "unrendered_schema"))
    else:
        same = old.database == new.database and old.schema == new.schema
    return same and old.alias == new.alias  # alias holds a source's identifier


def same_contract(old: GraphNode, new: GraphNode) -> bool:
    if new.resource_type != "model":
        return True  # only models have contracts dbt checks
    if not old.contract_enforced and not new.contract_enforced:
        return True
    if not old.contract_enforced:
        return False  # newly enforced
    return new.contract_enforced and new.contract_checksum == old.contract_checksum


# --- SQL text, compared as tokens: whitespace and comments ignored ---------------------------------------

_SQL_TOKEN = re.compile(
    r"""
      '(?:[^'\\]|\\.|'')*'?        # string literal ('' or backslash escapes), to the end if unterminated
    | "(?:[^"]|"")*"?              # quoted identifier
    | `[^`]*`?                     # backtick identifier
    | --[^\n]*                     # line comment
    | /\*.*?(?:\*/|\Z)             # block comment
    | \{\#.*?(?:\#\}|\Z)           # Jinja comment (raw code)
    | \s+
    | [^\W\d]\w*                   # word
    | \d[\w.]*                     # number
    | \S                           # any other character
    """,
    re.VERBOSE | re.DOTALL,
)
_SKIPPED_TOKEN_STARTS = ("--", "/*", "{#")
# Keywords that open a clause of a SELECT (or end its select list), looked for outside parentheses.
_CLAUSES = frozenset(
    {
        "select", "from", "where", "group", "having", "qualify", "window", "order", "limit", "offset", "fetch",
        "union", "intersect", "except", "minus", "join", "into", "values", "distinct", "top", "all", "on",
    }
)  # fmt: skip
_SET_OPERATORS = frozenset({"union", "intersect", "except", "minus"})


def sql_tokens(code: str) -> tuple[str, ...]:
    """The SQL's tokens, whitespace and comments (`--`, `/* */`, Jinja's `{# #}`) left out; literals kept whole."""
    return tuple(
        token
        for token in _SQL_TOKEN.findall(code)
        if not token.isspace() and not token.startswith(_SKIPPED_TOKEN_STARTS)
    )


def appends_select_items(old: tuple[str, ...], new: tuple[str, ...]) -> bool:
    """Whether `new` is `old` with items added at the end of its outermost, final SELECT list, and nothing else.

    The test is on tokens: one insertion starting with a comma, right before the final SELECT's FROM (or end),
    outside any parentheses, holding no clause keyword and no Jinja statement; the query has no set operator
    and its final SELECT is not DISTINCT. Anything else is not an append: when unsure, it is not.
    """
    if len(new) <= len(old):
        return False
    prefix = 0
    limit = len(old)
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    if prefix + suffix != len(old):
        return False  # more than one insertion, or something replaced
    inserted = new[prefix : len(new) - suffix]
    if inserted[0] != "," or not _balanced_plain(inserted):
        return False
    return _in_final_select_list(new, prefix)


def _balanced_plain(tokens: tuple[str, ...]) -> bool:
    depth = 0
    for i, token in enumerate(tokens):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                return False
        elif token == "{" and i + 1 < len(tokens) and tokens[i + 1] == "%":
            return False  # a Jinja statement may add anything
        elif depth == 0 and token.lower() in _CLAUSES:
            return False
    return depth == 0


def _in_final_select_list(tokens: tuple[str, ...], position: int) -> bool:
    """Whether `position` falls in the select list of the outermost query's last SELECT."""
    depth = 0
    last_clause = None
    after_select = False
    for index, token in enumerate(tokens):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            word = token.lower()
            if word in _SET_OPERATORS:
                return False
            if index < position and word in _CLAUSES:
                if after_select and word in ("distinct", "top"):
                    return False
                last_clause = word
            after_select = word == "select"
    return depth == 0 and last_clause == "select" and _depth_at(tokens, position) == 0


def _depth_at(tokens: tuple[str, ...], position: int) -> int:
    depth = 0
    for token in tokens[:position]:
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
    return depth


# --- Columns, by name and type ---------------------------------------------------------------------------

ColumnShape = list[tuple[str, str | None]]


def column_shape(columns: tuple[Column, ...]) -> ColumnShape:
    """(name, data type) per column, in order, lower-cased: names and types compare case-insensitively."""
    return [(column.name.lower(), column.data_type.lower() if column.data_type else None) for column in columns]


def appended_columns(before: ColumnShape, after: ColumnShape) -> bool | None:
    """True if `after` is `before` with columns added at the end, None if they are the same, else False."""
    if before == after:
        return None
    return len(after) > len(before) and after[: len(before)] == before


def column_summary(before: ColumnShape, after: ColumnShape) -> str:
    old_types, new_types = dict(before), dict(after)
    parts = []
    if added := [name for name in new_types if name not in old_types]:
        parts.append("added " + ", ".join(added))
    if removed := [name for name in old_types if name not in new_types]:
        parts.append("removed " + ", ".join(removed))
    if retyped := [
        f"{n} {old_types[n]} -> {new_types[n]}" for n in new_types if n in old_types and old_types[n] != new_types[n]
    ]:
        parts.append("retyped " + ", ".join(retyped))
    if not parts:
        parts.append("reordered")
    return "; ".join(parts)
