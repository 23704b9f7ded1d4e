"""dbt's `state:modified` sub-kinds, by dvt.domain.graph.comparison: one hand-built example per rule.

The same question put to the real dbt is in tests/dbt/test_state_modified_against_dbt.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from dvt.domain.graph.comparison import (
    MacroChanges,
    macro_changes,
    modifications,
    state_modified,
)
from dvt.domain.graph.model import Column, GraphNode, Macro

# --- hand-built nodes ------------------------------------------------------------------------------------

NO_MACROS: dict[str, Macro] = {}


def node(unique_id: str = "model.shop.orders", **fields: Any) -> GraphNode:
    kind = unique_id.split(".", 1)[0]
    return GraphNode(unique_id, kind, unique_id.rsplit(".", 1)[-1], "shop", **fields)


def kinds(
    old: GraphNode | None,
    new: GraphNode,
    old_macros: Mapping[str, Macro] = NO_MACROS,
    new_macros: Mapping[str, Macro] = NO_MACROS,
) -> frozenset[str]:
    return modifications(old, new, old_macros, new_macros, changes=macro_changes(old_macros, new_macros))


def macro(checksum: str, *calls: str) -> Macro:
    return Macro(checksum, calls, "shop")


MODEL = node(
    raw_code="select 1 as id",
    checksum="c1",
    unrendered_config={"materialized": "table"},
    config={"materialized": "table", "persist_docs": {}},
    description="Orders.",
    columns=(Column("id", description="The key."),),
    database="db",
    schema="analytics",
    alias="orders",
)


def changed(base: GraphNode, **fields: Any) -> GraphNode:
    values = {name: getattr(base, name) for name in base.__slots__}
    values.update(fields)
    return GraphNode(**values)


def test_identical_nodes_have_no_modification() -> None:
    assert kinds(MODEL, changed(MODEL)) == frozenset()


def test_changed_raw_code_is_a_body_modification() -> None:
    assert kinds(MODEL, changed(MODEL, raw_code="select 2 as id", checksum="c2")) == {"body"}


def test_changed_compiled_code_alone_is_not_a_body_modification() -> None:
    assert kinds(changed(MODEL, compiled_code="select 1"), changed(MODEL, compiled_code="select 2")) == frozenset()


def test_a_seeds_body_is_its_checksum() -> None:
    seed = node("seed.shop.raw", checksum="a", raw_code="")
    assert kinds(seed, changed(seed, checksum="b")) == {"body"}


def test_a_changed_unrendered_config_value_is_a_configs_modification() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "view"})
    assert kinds(MODEL, new) == {"configs"}


def test_a_rendered_config_change_alone_is_not_a_configs_modification() -> None:
    new = changed(MODEL, config={"materialized": "view", "persist_docs": {}})
    assert kinds(MODEL, new) == frozenset()


@pytest.mark.parametrize("key", ["tags", "group", "alias", "schema", "database"])
def test_keys_dbt_leaves_out_are_not_a_configs_modification(key: str) -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", key: "x"})
    assert "configs" not in kinds(MODEL, new)


def test_a_key_added_with_a_null_value_is_a_configs_modification() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", "unique_key": None})
    assert kinds(MODEL, new) == {"configs"}


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("severity", {"configs"}),
        ("warn_if", {"configs"}),
        ("store_failures", {"configs"}),
        ("meta", set()),
        ("enabled", set()),
    ],
)
def test_a_tests_configs_are_dbts_test_keys_only(key: str, expected: set[str]) -> None:
    test = node("test.shop.not_null_orders_id", raw_code="{{ test_not_null(**_dbt_generic_test_kwargs) }}")
    assert kinds(test, changed(test, unrendered_config={key: "warn"})) == expected


def test_a_source_compares_every_config_key() -> None:
    source = node("source.shop.raw.orders", unrendered_config={})
    assert kinds(source, changed(source, unrendered_config={"tags": ["raw"]})) == {"configs"}


def test_a_metrics_group_is_not_a_configs_modification() -> None:
    metric = node("metric.shop.revenue", unrendered_config={})
    assert kinds(metric, changed(metric, unrendered_config={"group": "finance"})) == frozenset()


def test_a_semantic_model_compares_its_rendered_config() -> None:
    semantic = node("semantic_model.shop.orders", config={"enabled": True})
    assert kinds(semantic, changed(semantic, config={"enabled": True, "meta": {"a": 1}})) == {"configs"}


def test_a_unit_test_has_no_configs_to_compare() -> None:
    unit = node("unit_test.shop.orders.t", unrendered_config={})
    assert kinds(unit, changed(unit, unrendered_config={"meta": {"a": 1}})) == frozenset()


def test_a_configured_schema_is_a_relation_modification_not_a_configs_one() -> None:
    new = changed(MODEL, unrendered_config={"materialized": "table", "schema": "marts"})
    assert kinds(MODEL, new) == {"relation"}


def test_a_rendered_schema_change_alone_is_not_a_relation_modification() -> None:
    assert kinds(MODEL, changed(MODEL, schema="dbt_alice_analytics")) == frozenset()


@pytest.mark.parametrize("field", ["database", "schema", "alias"])
def test_a_sources_relation_is_its_rendered_database_schema_and_identifier(field: str) -> None:
    source = node("source.shop.raw.orders", database="db", schema="raw", alias="orders")
    assert kinds(source, changed(source, **{field: "other"})) == {"relation"}


def test_with_more_unrendered_values_a_source_compares_its_unrendered_schema() -> None:
    source = node("source.shop.raw.orders", schema="raw_dev", extra={"unrendered_schema": "{{ target.schema }}"})
    new = changed(source, schema="raw_prod")
    found = modifications(source, new, NO_MACROS, NO_MACROS, compare_more_unrendered_values=True)
    assert found == frozenset()


def test_a_persisted_description_change_is_a_persisted_descriptions_modification() -> None:
    old = changed(MODEL, config={"persist_docs": {"relation": True}})
    assert kinds(old, changed(old, description="All orders.")) == {"persisted_descriptions"}


def test_a_description_change_without_persist_docs_is_no_modification() -> None:
    assert kinds(MODEL, changed(MODEL, description="All orders.")) == frozenset()


def test_a_column_description_change_with_persisted_column_docs_is_a_persisted_descriptions_modification() -> None:
    old = changed(MODEL, config={"persist_docs": {"columns": True}})
    new = changed(old, columns=(Column("id", description="The row key."),))
    assert kinds(old, new) == {"persisted_descriptions"}


def test_the_new_nodes_persist_docs_decides_whether_descriptions_count() -> None:
    old = changed(MODEL, config={"persist_docs": {"relation": True}})
    new = changed(MODEL, config={"persist_docs": {}}, description="All orders.")
    assert kinds(old, new) == frozenset()


def test_a_test_never_has_persisted_descriptions() -> None:
    test = node("test.shop.t", config={"persist_docs": {"relation": True}}, description="a")
    assert kinds(test, changed(test, description="b")) == frozenset()


CALLER = changed(MODEL, depends_on_macros=("macro.shop.outer",))
MACROS = {
    "macro.shop.outer": macro("o", "macro.shop.inner"),
    "macro.shop.inner": macro("i"),
    "macro.shop.x": macro("x"),
}


def test_calling_a_changed_macro_is_a_macros_modification() -> None:
    new_macros = {**MACROS, "macro.shop.outer": macro("o2", "macro.shop.inner")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_calling_a_macro_that_calls_a_changed_macro_is_a_macros_modification() -> None:
    new_macros = {**MACROS, "macro.shop.inner": macro("i2")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_a_removed_macro_counts_as_changed() -> None:
    new_macros = {k: v for k, v in MACROS.items() if k != "macro.shop.inner"}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == {"macros"}


def test_a_change_to_a_macro_the_node_does_not_reach_is_no_modification() -> None:
    new_macros = {**MACROS, "macro.shop.x": macro("x2")}
    assert kinds(CALLER, CALLER, MACROS, new_macros) == frozenset()


def test_with_no_macro_changed_an_unknown_macro_is_no_modification() -> None:
    unknown = changed(MODEL, depends_on_macros=("macro.gone.m",))
    assert kinds(unknown, unknown, MACROS, dict(MACROS)) == frozenset()


def test_macros_calling_each_other_in_a_cycle_are_followed_to_the_end() -> None:
    cyclic = {"macro.shop.outer": macro("o", "macro.shop.inner"), "macro.shop.inner": macro("i", "macro.shop.outer")}
    changes: MacroChanges = macro_changes(cyclic, {**cyclic, "macro.shop.y": macro("y")})
    assert changes.affected == {"macro.shop.y"}


def test_macro_changes_name_every_caller_at_any_depth() -> None:
    changes = macro_changes(MACROS, {**MACROS, "macro.shop.inner": macro("i2")})
    assert changes.affected == {"macro.shop.inner", "macro.shop.outer"}


CONTRACTED = changed(MODEL, contract_enforced=True, contract_checksum="k1")


def test_a_newly_enforced_contract_is_a_contract_modification() -> None:
    assert kinds(MODEL, changed(MODEL, contract_enforced=True, contract_checksum="k1")) == {"contract"}


def test_a_contract_no_longer_enforced_is_a_contract_modification() -> None:
    assert kinds(CONTRACTED, changed(CONTRACTED, contract_enforced=False, contract_checksum=None)) == {"contract"}


def test_an_enforced_contract_with_another_checksum_is_a_contract_modification() -> None:
    assert kinds(CONTRACTED, changed(CONTRACTED, contract_checksum="k2")) == {"contract"}


def test_only_models_have_contracts_dbt_checks() -> None:
    seed = node("seed.shop.raw", contract_enforced=True, contract_checksum="a")
    assert kinds(seed, changed(seed, contract_checksum="b")) == frozenset()


@pytest.mark.parametrize(
    ("unique_id", "expected"),
    [
        ("model.shop.new", {"body", "configs", "persisted_descriptions", "relation", "contract"}),
        ("source.shop.raw.new", {"configs", "relation"}),
        ("exposure.shop.new", {"configs"}),
        ("unit_test.shop.orders.new", set()),
    ],
)
def test_a_node_the_old_version_lacks_has_every_subkind_its_type_has(unique_id: str, expected: set[str]) -> None:
    assert kinds(None, node(unique_id)) == expected


# --- plain state:modified --------------------------------------------------------------------------------


def is_modified(old: GraphNode | None, new: GraphNode) -> bool:
    return state_modified(old, new, NO_MACROS, NO_MACROS)


def test_a_generic_tests_body_does_not_make_it_modified() -> None:
    test = node("test.shop.t", raw_code="a", test_metadata={"name": "not_null"})
    assert not is_modified(test, changed(test, raw_code="b"))


def test_a_moved_file_makes_a_model_modified() -> None:
    assert is_modified(MODEL, changed(MODEL, fqn=("shop", "marts", "orders")))


def test_a_models_access_makes_it_modified() -> None:
    assert is_modified(MODEL, changed(MODEL, access="public"))


def test_a_new_source_is_not_modified() -> None:
    assert not is_modified(None, node("source.shop.raw.orders"))


def test_a_sources_freshness_makes_it_modified() -> None:
    source = node("source.shop.raw.orders", extra={"freshness": None})
    assert is_modified(source, changed(source, extra={"freshness": {"warn_after": {"count": 1, "period": "day"}}}))


def test_an_exposures_description_makes_it_modified() -> None:
    exposure = node("exposure.shop.dash", description="a")
    assert is_modified(exposure, changed(exposure, description="b"))


def test_a_unit_tests_checksum_makes_it_modified() -> None:
    unit = node("unit_test.shop.orders.t", checksum="a")
    assert is_modified(unit, changed(unit, checksum="b"))
