"""The diff between two graph versions: one hand-built example per rule of docs/diff-categories.md, then the
real hubspot package across nine dbt versions."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.domain.graph.build import build_graph
from dvt.domain.graph.diff import Category, ChangeKind, GraphDiff, ModifiedNode, diff
from dvt.domain.graph.model import (
    ArtifactKind,
    ArtifactMetadata,
    Catalog,
    CatalogEntry,
    Column,
    GraphNode,
    Macro,
    Manifest,
)

META = ArtifactMetadata(ArtifactKind.MANIFEST, "v12", "1.11.0", None, None)
BREAKING, NON_BREAKING, METADATA_ONLY = Category.BREAKING, Category.NON_BREAKING, Category.METADATA_ONLY


def node(unique_id: str, **fields: Any) -> GraphNode:
    kind = unique_id.split(".", 1)[0]
    name = unique_id.rsplit(".", 1)[-1]
    if kind == "model":
        fields.setdefault("materialized", "table")
        fields.setdefault("database", "db")
        fields.setdefault("schema", "analytics")
        fields.setdefault("alias", name)
        fields.setdefault("relation_name", f'"db"."analytics"."{name}"')
    return GraphNode(unique_id, kind, name, "shop", **fields)


def model(name: str, sql: str, *parents: str, **fields: Any) -> GraphNode:
    return node(f"model.shop.{name}", raw_code=sql, checksum=str(hash(sql)), depends_on=parents, **fields)


SOURCE = node("source.shop.raw.orders", database="db", schema="raw", alias="orders", extra={"freshness": None})
STG = model("stg_orders", "select id, amount from {{ source('raw', 'orders') }}", SOURCE.unique_id, materialized="view")
ORDERS = model(
    "orders",
    "select id, amount from {{ ref('stg_orders') }}",
    STG.unique_id,
    columns=(Column("id", "integer"), Column("amount", "numeric")),
)
CUSTOMERS = model("customers", "select id from {{ ref('orders') }}", ORDERS.unique_id)
TEST = node(
    "test.shop.not_null_customers_id",
    raw_code="{{ test_not_null(**_dbt_generic_test_kwargs) }}",
    depends_on=(CUSTOMERS.unique_id,),
    tested_node=CUSTOMERS.unique_id,
    test_metadata={"name": "not_null", "kwargs": {"column_name": "id"}},
    unrendered_config={"severity": "error"},
)
EXPOSURE = node("exposure.shop.dashboard", depends_on=(CUSTOMERS.unique_id,), extra={"type": "dashboard"})
BASE = (SOURCE, STG, ORDERS, CUSTOMERS, TEST, EXPOSURE)


def manifest(*nodes: GraphNode, macros: dict[str, Macro] | None = None) -> Manifest:
    return Manifest(META, tuple(nodes), macros=macros if macros is not None else {})


def replaced(*changed: GraphNode, nodes: tuple[GraphNode, ...] = BASE) -> tuple[GraphNode, ...]:
    by_id = {n.unique_id: n for n in changed}
    return tuple(by_id.get(n.unique_id, n) for n in nodes)


def edit(base: GraphNode, **fields: Any) -> GraphNode:
    values = {name: getattr(base, name) for name in base.__slots__}
    if "raw_code" in fields and "checksum" not in fields:
        fields["checksum"] = str(hash(fields["raw_code"]))
    values.update(fields)
    return GraphNode(**values)


def diff_of(*changed: GraphNode) -> GraphDiff:
    return diff(manifest(*BASE), manifest(*replaced(*changed)))


def only(result: GraphDiff) -> ModifiedNode:
    assert len(result.modified) == 1, result.modified
    return result.modified[0]


def kinds(result: GraphDiff) -> list[tuple[ChangeKind, Category]]:
    return [(change.kind, change.category) for change in only(result).changes]


# --- No change -------------------------------------------------------------------------------------------


def test_a_version_against_itself_is_an_empty_diff() -> None:
    assert diff(manifest(*BASE), manifest(*BASE)) == GraphDiff((), (), (), (), ())


# --- Code --------------------------------------------------------------------------------------------------


def test_a_changed_select_of_a_table_is_breaking() -> None:
    result = diff_of(edit(ORDERS, raw_code="select id, amount * 2 as amount from {{ ref('stg_orders') }}"))
    assert kinds(result) == [(ChangeKind.BODY, BREAKING)]


def test_a_breaking_change_impacts_every_rebuilt_node_downstream() -> None:
    result = diff_of(edit(ORDERS, raw_code="select id, amount * 2 as amount from {{ ref('stg_orders') }}"))
    assert result.impacted == (CUSTOMERS.unique_id, TEST.unique_id)  # the exposure is not rebuilt


def test_columns_added_at_the_end_of_the_select_are_non_breaking() -> None:
    sql = "select id, amount, amount * 2 as double from {{ ref('stg_orders') }}"
    result = diff_of(edit(ORDERS, raw_code=sql, columns=(*ORDERS.columns, Column("double", "numeric"))))
    assert kinds(result)[0] == (ChangeKind.BODY, NON_BREAKING)


def test_a_non_breaking_change_impacts_nothing_downstream() -> None:
    sql = "select id, amount, amount * 2 as double from {{ ref('stg_orders') }}"
    assert diff_of(edit(ORDERS, raw_code=sql)).impacted == ()


def test_an_appended_select_item_with_a_declared_column_removed_is_breaking() -> None:
    sql = "select id, amount, amount * 2 as double from {{ ref('stg_orders') }}"
    result = diff_of(edit(ORDERS, raw_code=sql, columns=(Column("id", "integer"), Column("double", "numeric"))))
    assert kinds(result)[0] == (ChangeKind.BODY, BREAKING)


def test_a_column_inserted_before_others_is_breaking() -> None:
    result = diff_of(edit(ORDERS, raw_code="select id, 1 as one, amount from {{ ref('stg_orders') }}"))
    assert kinds(result) == [(ChangeKind.BODY, BREAKING)]


def test_whitespace_and_comments_alone_are_metadata_only() -> None:
    sql = "select id,\n       amount -- in cents\nfrom {{ ref('stg_orders') }} /* orders */"
    assert kinds(diff_of(edit(ORDERS, raw_code=sql))) == [(ChangeKind.BODY, METADATA_ONLY)]


def test_a_change_inside_a_string_literal_is_not_whitespace() -> None:
    old = edit(ORDERS, raw_code="select 'a b' as label")
    result = diff(manifest(*replaced(old)), manifest(*replaced(edit(old, raw_code="select 'a  b' as label"))))
    assert kinds(result) == [(ChangeKind.BODY, BREAKING)]


def test_a_python_models_code_change_is_breaking_whatever_it_is() -> None:
    old = edit(ORDERS, language="python", raw_code="def model(dbt, session):\n    return x")
    new = edit(old, raw_code="def model(dbt, session):\n    return x  # same")
    assert kinds(diff(manifest(*replaced(old)), manifest(*replaced(new)))) == [(ChangeKind.BODY, BREAKING)]


COMPILED = edit(ORDERS, compiled_code='select id, amount from "db"."analytics"."stg_orders"')
STG_RELATION = 'select id, amount from "db"."analytics"."stg_orders"'


def test_code_that_compiles_to_the_same_sql_is_metadata_only() -> None:
    new = edit(COMPILED, raw_code="select id, amount from {{ ref('stg_orders') }} {# same #}")
    result = diff(manifest(*replaced(COMPILED)), manifest(*replaced(new)))
    assert kinds(result) == [(ChangeKind.BODY, METADATA_ONLY)]


def test_compiled_sql_compares_relations_by_the_node_they_name() -> None:
    stg_dev = edit(STG, schema="dbt_alice", relation_name='"db"."dbt_alice"."stg_orders"')
    orders_dev = edit(COMPILED, compiled_code='select id, amount from "db"."dbt_alice"."stg_orders"')
    result = diff(manifest(*replaced(COMPILED)), manifest(*replaced(stg_dev, orders_dev)))
    assert [m.unique_id for m in result.modified] == [STG.unique_id]  # stg moved; orders' SQL is the same


def test_the_same_code_compiling_to_other_sql_is_a_compiled_change() -> None:
    new = edit(COMPILED, compiled_code=STG_RELATION + " where amount > 0")
    result = diff(manifest(*replaced(COMPILED)), manifest(*replaced(new)))
    assert kinds(result) == [(ChangeKind.COMPILED, BREAKING)]


def test_a_seed_whose_data_changed_is_breaking() -> None:
    seed = node("seed.shop.countries", checksum="a", materialized="seed")
    result = diff(manifest(seed), manifest(edit(seed, checksum="b")))
    assert kinds(result) == [(ChangeKind.BODY, BREAKING)]


# --- Upstream and macros ---------------------------------------------------------------------------------


def test_a_node_reading_other_parents_is_breaking() -> None:
    result = diff_of(edit(CUSTOMERS, depends_on=(STG.unique_id,)))
    assert kinds(result) == [(ChangeKind.UPSTREAM, BREAKING)]


MACROS = {"macro.shop.cents": Macro("a", ("macro.shop.round",)), "macro.shop.round": Macro("r")}
CALLER = edit(ORDERS, depends_on_macros=("macro.shop.cents",))


def test_a_macro_changed_below_a_macro_the_node_calls_is_breaking_without_compiled_sql() -> None:
    new_macros = {**MACROS, "macro.shop.round": Macro("r2")}
    result = diff(manifest(*replaced(CALLER), macros=MACROS), manifest(*replaced(CALLER), macros=new_macros))
    assert kinds(result) == [(ChangeKind.MACROS, BREAKING)]


def test_a_macro_change_that_leaves_the_compiled_sql_alone_is_metadata_only() -> None:
    caller = edit(CALLER, compiled_code=STG_RELATION)
    new_macros = {**MACROS, "macro.shop.round": Macro("r2")}
    result = diff(manifest(*replaced(caller), macros=MACROS), manifest(*replaced(caller), macros=new_macros))
    assert kinds(result) == [(ChangeKind.MACROS, METADATA_ONLY)]


def test_macros_are_not_compared_when_a_side_holds_none() -> None:
    result = diff(manifest(*replaced(CALLER), macros={}), manifest(*replaced(CALLER), macros=MACROS))
    assert (result.modified, result.changed_macros) == ((), ())


def test_changed_macros_are_listed() -> None:
    new_macros = {**MACROS, "macro.shop.round": Macro("r2"), "macro.shop.new": Macro("n")}
    result = diff(manifest(*BASE, macros=MACROS), manifest(*BASE, macros=new_macros))
    assert result.changed_macros == ("macro.shop.new", "macro.shop.round")


# --- Config, relation, contract, columns -----------------------------------------------------------------


def test_a_changed_materialization_is_breaking() -> None:
    result = diff_of(edit(ORDERS, materialized="incremental", unrendered_config={"materialized": "incremental"}))
    assert kinds(result) == [(ChangeKind.CONFIG, BREAKING)]


def test_a_materialization_changed_only_once_rendered_is_breaking() -> None:
    assert kinds(diff_of(edit(ORDERS, materialized="view"))) == [(ChangeKind.CONFIG, BREAKING)]


@pytest.mark.parametrize("key", ["post-hook", "grants", "persist_docs", "on_schema_change", "cluster_by"])
def test_a_config_that_only_the_node_itself_feels_is_non_breaking(key: str) -> None:
    assert kinds(diff_of(edit(ORDERS, unrendered_config={key: "x"}))) == [(ChangeKind.CONFIG, NON_BREAKING)]


@pytest.mark.parametrize("key", ["unique_key", "incremental_strategy", "some_adapter_setting"])
def test_a_config_the_data_may_depend_on_is_breaking(key: str) -> None:
    assert kinds(diff_of(edit(ORDERS, unrendered_config={key: "x"}))) == [(ChangeKind.CONFIG, BREAKING)]


@pytest.mark.parametrize("key", ["docs", "group", "access"])
def test_a_config_read_by_nothing_that_builds_is_metadata_only(key: str) -> None:
    assert kinds(diff_of(edit(ORDERS, unrendered_config={key: "x"}))) == [(ChangeKind.CONFIG, METADATA_ONLY)]


def test_a_config_key_set_to_null_has_no_effect_though_dbt_selects_it() -> None:
    result = diff_of(edit(ORDERS, unrendered_config={"unique_key": None}))
    assert (kinds(result), only(result).state_modified) == (
        [(ChangeKind.CONFIG, METADATA_ONLY)],
        frozenset({"configs"}),
    )


@pytest.mark.parametrize(("field", "value"), [("tags", ("finance",)), ("meta", {"owner": "a"})])
def test_tags_and_meta_are_metadata_only(field: str, value: Any) -> None:
    assert kinds(diff_of(edit(ORDERS, **{field: value}))) == [(ChangeKind.METADATA, METADATA_ONLY)]


def test_a_moved_relation_is_breaking() -> None:
    result = diff_of(edit(ORDERS, schema="marts", relation_name='"db"."marts"."orders"'))
    assert kinds(result) == [(ChangeKind.RELATION, BREAKING)]


def test_an_ephemeral_models_relation_is_metadata_only() -> None:
    old = edit(ORDERS, materialized="ephemeral")
    new = edit(old, alias="orders_cte", relation_name=None)
    assert kinds(diff(manifest(*replaced(old)), manifest(*replaced(new)))) == [(ChangeKind.RELATION, METADATA_ONLY)]


def test_a_newly_enforced_contract_is_non_breaking() -> None:
    result = diff_of(edit(ORDERS, contract_enforced=True, contract_checksum="k"))
    assert kinds(result) == [(ChangeKind.CONTRACT, NON_BREAKING)]


CONTRACTED = edit(ORDERS, contract_enforced=True, contract_checksum="k1")


def test_an_enforced_contract_losing_a_column_is_breaking() -> None:
    new = edit(CONTRACTED, contract_checksum="k2", columns=(Column("id", "integer"),))
    result = diff(manifest(*replaced(CONTRACTED)), manifest(*replaced(new)))
    assert (ChangeKind.CONTRACT, BREAKING) in kinds(result)


def test_an_enforced_contract_gaining_a_column_at_the_end_is_non_breaking() -> None:
    new = edit(CONTRACTED, contract_checksum="k2", columns=(*ORDERS.columns, Column("note", "text")))
    result = diff(manifest(*replaced(CONTRACTED)), manifest(*replaced(new)))
    assert only(result).category is NON_BREAKING


def test_an_enforced_contract_retyping_a_column_is_breaking() -> None:
    new = edit(CONTRACTED, contract_checksum="k2", columns=(Column("id", "bigint"), Column("amount", "numeric")))
    assert only(diff(manifest(*replaced(CONTRACTED)), manifest(*replaced(new)))).category is BREAKING


def test_declared_columns_added_at_the_end_are_non_breaking() -> None:
    result = diff_of(edit(ORDERS, columns=(*ORDERS.columns, Column("note", "text"))))
    assert kinds(result) == [(ChangeKind.COLUMNS, NON_BREAKING)]


def test_declared_columns_removed_without_a_contract_are_metadata_only() -> None:
    assert kinds(diff_of(edit(ORDERS, columns=ORDERS.columns[:1]))) == [(ChangeKind.COLUMNS, METADATA_ONLY)]


def test_columns_the_warehouse_no_longer_has_are_breaking() -> None:
    observed = (Column("id", "integer"), Column("amount", "numeric"))
    base_catalog = Catalog(META, (CatalogEntry(ORDERS.unique_id, False, observed),))
    head_catalog = Catalog(META, (CatalogEntry(ORDERS.unique_id, False, observed[:1]),))
    sql = "select id, amount, 1 as one from {{ ref('stg_orders') }}"
    result = diff(
        manifest(*BASE),
        manifest(*replaced(edit(ORDERS, raw_code=sql))),
        base_catalog=base_catalog,
        head_catalog=head_catalog,
    )
    assert only(result).category is BREAKING


# --- Descriptions -----------------------------------------------------------------------------------------


def test_a_description_is_metadata_only() -> None:
    assert kinds(diff_of(edit(ORDERS, description="All orders."))) == [(ChangeKind.DESCRIPTION, METADATA_ONLY)]


def test_a_persisted_description_is_non_breaking() -> None:
    persisted = edit(ORDERS, config={"persist_docs": {"relation": True}})
    result = diff(manifest(*replaced(persisted)), manifest(*replaced(edit(persisted, description="All orders."))))
    assert kinds(result) == [(ChangeKind.DESCRIPTION, NON_BREAKING)]


def test_a_persisted_column_description_is_non_breaking() -> None:
    persisted = edit(ORDERS, config={"persist_docs": {"columns": True}})
    new = edit(persisted, columns=(Column("id", "integer", "The key."), ORDERS.columns[1]))
    assert kinds(diff(manifest(*replaced(persisted)), manifest(*replaced(new)))) == [
        (ChangeKind.DESCRIPTION, NON_BREAKING)
    ]


# --- Tests, sources, exposures ----------------------------------------------------------------------------


def test_a_tests_config_change_is_non_breaking() -> None:
    assert kinds(diff_of(edit(TEST, unrendered_config={"severity": "warn"}))) == [(ChangeKind.CONFIG, NON_BREAKING)]


def test_a_tests_arguments_are_non_breaking() -> None:
    new = edit(TEST, test_metadata={"name": "accepted_values", "kwargs": {"values": [1]}})
    assert kinds(diff_of(new)) == [(ChangeKind.DEFINITION, NON_BREAKING)]


def test_a_changed_test_impacts_nothing() -> None:
    assert diff_of(edit(TEST, raw_code="select 1")).impacted == ()


def test_a_sources_freshness_is_metadata_only() -> None:
    new = edit(SOURCE, extra={"freshness": {"warn_after": {"count": 1, "period": "day"}}})
    assert kinds(diff_of(new)) == [(ChangeKind.DEFINITION, METADATA_ONLY)]


def test_a_source_read_from_another_table_is_breaking_for_what_reads_it() -> None:
    result = diff_of(edit(SOURCE, alias="orders_v2"))
    assert (kinds(result), result.impacted[0]) == ([(ChangeKind.RELATION, BREAKING)], CUSTOMERS.unique_id)


def test_an_exposures_change_is_metadata_only() -> None:
    new = edit(EXPOSURE, extra={"type": "notebook"}, description="A notebook.")
    assert only(diff_of(new)).category is METADATA_ONLY


# --- Added and removed nodes ------------------------------------------------------------------------------


def test_an_added_model_is_non_breaking() -> None:
    result = diff(manifest(*BASE), manifest(*BASE, model("refunds", "select 1 as id")))
    assert [(d.unique_id, d.category) for d in result.added] == [("model.shop.refunds", NON_BREAKING)]


def test_an_added_exposure_is_metadata_only() -> None:
    extra = node("exposure.shop.report", depends_on=(ORDERS.unique_id,))
    assert diff(manifest(*BASE), manifest(*BASE, extra)).added[0].category is METADATA_ONLY


def test_a_removed_model_is_breaking_for_its_children() -> None:
    result = diff(manifest(*BASE), manifest(*(n for n in BASE if n is not STG)))
    assert (result.removed[0].category, result.impacted) == (
        BREAKING,
        (CUSTOMERS.unique_id, ORDERS.unique_id, TEST.unique_id),
    )


def test_a_removed_test_is_metadata_only() -> None:
    result = diff(manifest(*BASE), manifest(*(n for n in BASE if n is not TEST)))
    assert [(d.unique_id, d.category) for d in result.removed] == [(TEST.unique_id, METADATA_ONLY)]


# --- The node, as a whole -----------------------------------------------------------------------------------


def test_a_node_is_as_severe_as_its_most_severe_change() -> None:
    result = diff_of(edit(ORDERS, tags=("x",), materialized="view", description="d"))
    assert only(result).category is BREAKING


def test_small_values_are_carried_and_large_ones_are_not() -> None:
    result = diff_of(edit(ORDERS, tags=("x",), description="d" * 500))
    changes = {change.kind: change for change in only(result).changes}
    assert (changes[ChangeKind.METADATA].new, changes[ChangeKind.DESCRIPTION].new) == (("x",), None)


def test_each_modified_node_carries_dbts_state_modified_subkinds() -> None:
    new = edit(ORDERS, raw_code="select 1 as id", unrendered_config={"materialized": "view"}, materialized="view")
    assert only(diff_of(new)).state_modified == {"body", "configs"}


def test_every_list_is_sorted_by_unique_id() -> None:
    head = manifest(*reversed(replaced(*(edit(n, description="changed") for n in BASE))))
    result = diff(manifest(*BASE), head)
    assert [m.unique_id for m in result.modified] == sorted(n.unique_id for n in BASE)


def test_a_logical_graph_diffs_like_its_manifest() -> None:
    head = manifest(*replaced(edit(ORDERS, raw_code="select 2 as id")))
    as_graphs = diff(build_graph(manifest(*BASE), "base.json"), build_graph(head, "head.json"))
    assert as_graphs == diff(manifest(*BASE), head)


# --- Real versions of one project --------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "dbt-artifacts"
HUBSPOT = sorted((FIXTURES / "fivetran__dbt_hubspot").glob("manifest__*.json"))
PAIRS = list(itertools.pairwise(HUBSPOT))
PAIR_IDS = [f"{a.stem.split('_dbt')[-1]}->{b.stem.split('_dbt')[-1]}" for a, b in PAIRS]


@functools.cache
def _read(path: Path) -> Manifest:
    artifact = read_artifact(path.name, path.read_bytes())
    assert isinstance(artifact, Manifest)
    return artifact


def test_hubspot_spans_nine_dbt_versions() -> None:
    assert len({_read(p).metadata.schema_version for p in HUBSPOT}) == 9


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=PAIR_IDS)
def test_the_diff_of_two_real_versions_is_deterministic(old: Path, new: Path) -> None:
    again = diff(read_artifact(old.name, old.read_bytes()), read_artifact(new.name, new.read_bytes()))  # type: ignore[arg-type]
    assert diff(_read(old), _read(new)) == again


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=PAIR_IDS)
def test_a_node_with_the_same_checksum_is_not_body_modified(old: Path, new: Path) -> None:
    base = {n.unique_id: n for n in _read(old).nodes}
    result = diff(_read(old), _read(new))
    same = {
        m.unique_id
        for m in result.modified
        if base[m.unique_id].checksum == {n.unique_id: n for n in _read(new).nodes}[m.unique_id].checksum
    }
    body = {m.unique_id for m in result.modified if any(c.kind is ChangeKind.BODY for c in m.changes)}
    assert same and not same & body


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=PAIR_IDS)
def test_every_added_and_removed_node_is_accounted_for(old: Path, new: Path) -> None:
    before, after = {n.unique_id for n in _read(old).nodes}, {n.unique_id for n in _read(new).nodes}
    result = diff(_read(old), _read(new))
    assert ({d.unique_id for d in result.added}, {d.unique_id for d in result.removed}) == (
        after - before,
        before - after,
    )


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=PAIR_IDS)
def test_modified_and_impacted_nodes_are_in_both_versions(old: Path, new: Path) -> None:
    before, after = {n.unique_id for n in _read(old).nodes}, {n.unique_id for n in _read(new).nodes}
    result = diff(_read(old), _read(new))
    assert {m.unique_id for m in result.modified} <= before & after and set(result.impacted) <= after


@pytest.mark.parametrize("path", HUBSPOT, ids=[p.stem for p in HUBSPOT])
def test_a_real_version_against_a_fresh_read_of_itself_is_empty(path: Path) -> None:
    assert diff(_read(path), read_artifact(path.name, path.read_bytes())).is_empty  # type: ignore[arg-type]
