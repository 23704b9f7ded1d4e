"""dbt's node selection on a small hand-built graph: methods, graph operators, set operations, YAML
selectors, indirect selection of tests, state/result/source_status, errors and explanations.

The graph (unique_ids shortened to names in assertions):

    source raw.orders -> stg_orders ----+-> orders -> report -> exposure dashboard
    source raw.customers -> stg_customers -+-> customers <- seed countries
    orders -> semantic model orders_sm -> metric revenue -> saved query weekly
    fct (v1, v2 latest, v3) <- orders;  dep_pkg.helper (another package)
    tests: unique_orders_id (orders), rel_orders_customers (orders, stg_customers),
           assert_positive (singular: orders, customers), unit test test_orders (orders)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from dvt.domain.errors import ValidationError
from dvt.domain.graph.model import GraphNode
from dvt.domain.graph.selection import GraphIndex, Selection, fresher_sources, select

P = "shop"


def _node(
    kind: str,
    name: str,
    *parents: str,
    path: str | None = None,
    fqn: tuple[str, ...] | None = None,
    package: str = P,
    **fields: Any,
) -> GraphNode:
    unique_id = fields.pop("unique_id", f"{kind}.{package}.{name}")
    return GraphNode(
        unique_id=unique_id,
        resource_type=kind,
        name=name,
        package_name=package,
        path=path or f"models/{name}.sql",
        fqn=fqn or (package, name),
        depends_on=parents,
        **fields,
    )


NODES = (
    _node("source", "orders", path="models/staging/_sources.yml", fqn=(P, "staging", "raw", "orders"),
          unique_id="source.shop.raw.orders", extra={"source_name": "raw"}, tags=("raw",)),
    _node("source", "customers", path="models/staging/_sources.yml", fqn=(P, "staging", "raw", "customers"),
          unique_id="source.shop.raw.customers", extra={"source_name": "raw"}, config={"enabled": True}),
    _node("seed", "countries", path="seeds/countries.csv", fqn=(P, "countries"), config={"enabled": True}),
    _node("model", "stg_orders", "source.shop.raw.orders", path="models/staging/stg_orders.sql",
          fqn=(P, "staging", "stg_orders"), tags=("staging",), config={"materialized": "view"}, access="protected"),
    _node("model", "stg_customers", "source.shop.raw.customers", path="models/staging/stg_customers.sql",
          fqn=(P, "staging", "stg_customers"), tags=("staging", "pii"), config={"materialized": "view"}),
    _node("model", "orders", "model.shop.stg_orders", "model.shop.stg_customers", path="models/marts/orders.sql",
          fqn=(P, "marts", "orders"), tags=("nightly", "finance"), access="public",
          config={"materialized": "incremental", "group": "finance", "meta": {"owner": "fin"}, "tags": ["finance"],
                  "contract": {"enforced": True}}),
    _node("model", "customers", "model.shop.stg_customers", "seed.shop.countries", path="models/marts/customers.sql",
          fqn=(P, "marts", "customers"), config={"materialized": "table"}, access="private"),
    _node("model", "report", "model.shop.orders", path="models/marts/report.sql", fqn=(P, "marts", "report"),
          config={"materialized": "table"}, access="protected"),
    *(
        _node("model", "fct", "model.shop.orders", path=f"models/marts/fct_v{v}.sql", fqn=(P, "marts", "fct", f"v{v}"),
              unique_id=f"model.shop.fct.v{v}", version=str(v), latest_version="2", config={})
        for v in (1, 2, 3)
    ),
    _node("model", "helper", path="models/helper.sql", fqn=("dep_pkg", "helper"), package="dep_pkg"),
    _node("test", "unique_orders_id", "model.shop.orders", path="models/marts/_marts.yml",
          fqn=(P, "marts", "unique_orders_id"), test_metadata={"name": "unique"}, config={"severity": "ERROR"}),
    _node("test", "rel_orders_customers", "model.shop.orders", "model.shop.stg_customers",
          path="models/marts/_marts.yml", fqn=(P, "marts", "rel_orders_customers"),
          test_metadata={"name": "relationships"}, config={"severity": "warn"}),
    _node("test", "assert_positive", "model.shop.orders", "model.shop.customers", path="tests/assert_positive.sql",
          fqn=(P, "assert_positive")),
    _node("unit_test", "test_orders", "model.shop.orders", path="models/marts/_marts.yml",
          fqn=(P, "marts", "orders", "test_orders"), unique_id="unit_test.shop.orders.test_orders"),
    _node("exposure", "dashboard", "model.shop.report", path="models/_exposures.yml", fqn=(P, "dashboard")),
    _node("semantic_model", "orders_sm", "model.shop.orders", path="models/marts/_marts.yml", fqn=(P, "orders_sm")),
    _node("metric", "revenue", "semantic_model.shop.orders_sm", path="models/marts/_marts.yml", fqn=(P, "revenue"),
          config={"group": "finance"}),
    _node("saved_query", "weekly", "metric.shop.revenue", path="models/marts/_marts.yml", fqn=(P, "weekly")),
    _node("analysis", "explore", "model.shop.report", path="analyses/explore.sql", fqn=(P, "analysis", "explore")),
)  # fmt: skip

SELECTORS: dict[str, Any] = {
    "nightly_marts": {"name": "nightly_marts", "definition": {"union": ["tag:nightly", "path:models/staging"]}},
    "both": {"name": "both", "definition": {"intersection": [{"method": "tag", "value": "staging"}, "tag:pii"]}},
    "near": {
        "name": "near",
        "definition": {
            "method": "fqn",
            "value": "orders",
            "parents": True,
            "parents_depth": "1",  # the manifest stores depths as text
            "children": True,
            "children_depth": 1,
        },
    },
    "family": {"name": "family", "definition": {"method": "fqn", "value": "stg_orders", "childrens_parents": True}},
    "marts_no_report": {
        "name": "marts_no_report",
        "definition": {"union": ["path:models/marts", {"exclude": ["report", "tag:nightly"]}]},
    },
    "method_exclude": {
        "name": "method_exclude",
        "definition": {"method": "path", "value": "models/staging", "exclude": [{"method": "tag", "value": "pii"}]},
    },
    "cautious_orders": {
        "name": "cautious_orders",
        "definition": {"method": "tag", "value": "nightly", "indirect_selection": "cautious"},
    },
    "no_tests": {"name": "no_tests", "definition": {"method": "fqn", "value": "orders", "indirect_selection": "empty"}},
    "cautious_pair": {
        "name": "cautious_pair",
        "definition": {
            "union": [
                {"method": "fqn", "value": "orders", "indirect_selection": "cautious"},
                {"method": "fqn", "value": "customers", "indirect_selection": "cautious"},
            ]
        },
    },
    "reuses": {"name": "reuses", "definition": {"union": [{"method": "selector", "value": "both"}, "exposure:*"]}},
    "models": {"name": "models", "default": True, "definition": "resource_type:model"},
}

INDEX = GraphIndex.from_nodes(NODES, project_name=P, selectors=SELECTORS,
                              patch_paths={"model.shop.orders": "shop://models/marts/_marts.yml"})  # fmt: skip
PLAIN = GraphIndex.from_nodes(NODES, project_name=P)


def names(selection: Selection) -> set[str]:
    """Node names for short assertions: versions as name.vN, sources as source_name.name."""
    shown = set()
    for unique_id in selection.unique_ids:
        node = INDEX.nodes[unique_id]
        if node.resource_type == "source":
            shown.add(f"{node.extra['source_name']}.{node.name}")
        else:
            shown.add(f"{node.name}.v{node.version}" if node.version else node.name)
    return shown


def sel(*criteria: str, index: GraphIndex = PLAIN, **options: Any) -> set[str]:
    return names(select(index, list(criteria), **options))


TESTS_OF_ORDERS = {"unique_orders_id", "rel_orders_customers", "assert_positive", "test_orders"}

# --- methods -------------------------------------------------------------------------------------------


def test_a_bare_name_selects_the_node_and_the_tests_on_it() -> None:
    assert sel("orders") == {"orders"} | TESTS_OF_ORDERS


def test_a_folder_name_selects_everything_under_it() -> None:
    assert sel("staging", indirect="empty") == {"stg_orders", "stg_customers"}


def test_a_package_name_selects_the_whole_package() -> None:
    assert sel("dep_pkg") == {"helper"}


def test_a_dotted_fqn_glob_matches_the_rest_of_the_path() -> None:
    assert sel("shop.marts.c*", indirect="empty") == {"customers"}


def test_question_mark_matches_one_character() -> None:
    assert sel("fqn:stg_order?", indirect="empty") == {"stg_orders"}


def test_fqn_does_not_select_sources() -> None:
    assert sel("fqn:staging.raw.*") == set()  # the sources' fqn would match


def test_a_versioned_model_answers_to_its_name_and_version() -> None:
    assert sel("fct", indirect="empty") == {"fct.v1", "fct.v2", "fct.v3"}
    assert sel("fct.v2", indirect="empty") == sel("fct_v2", indirect="empty") == {"fct.v2"}


def test_tag_globs_over_every_resource_sources_included() -> None:
    assert sel("tag:ra*") == {"raw.orders"}


def test_path_selects_a_folder() -> None:
    assert sel("path:models/staging", indirect="empty") == {
        "raw.orders",
        "raw.customers",
        "stg_orders",
        "stg_customers",
    }


def test_a_value_with_a_slash_is_a_path() -> None:
    assert sel("models/staging", indirect="empty") == sel("path:models/staging", indirect="empty")


def test_path_globs_with_pathlib_rules() -> None:
    assert sel("path:models/*/stg_*.sql", indirect="empty") == {"stg_orders", "stg_customers"}
    assert sel("path:**/report.sql", indirect="empty") == {"report"}


def test_a_trailing_slash_asks_for_a_folder() -> None:
    assert sel("path:models/marts/report.sql/") == set()


def test_path_on_a_properties_file_selects_what_it_documents() -> None:
    selected = sel("path:models/marts/_marts.yml", index=INDEX, indirect="empty")
    assert "orders" in selected and "unique_orders_id" in selected


def test_an_empty_path_is_refused() -> None:
    with pytest.raises(ValidationError, match="Unacceptable"):
        select(PLAIN, ["path:."])


def test_file_matches_the_file_name_or_its_stem() -> None:
    assert sel("file:report.sql") == sel("file:report") == sel("report.sql") == {"report"}


def test_package_this_is_the_root_project() -> None:
    assert "helper" not in sel("package:this") and "orders" in sel("package:this")


def test_config_compares_a_nested_value() -> None:
    assert sel("config.meta.owner:fin", indirect="empty") == {"orders"}


def test_config_matches_a_member_of_a_list() -> None:
    assert sel("config.tags:finance", indirect="empty") == {"orders"}


def test_config_true_matches_a_boolean_whatever_its_case() -> None:
    assert sel("config.contract.enforced:True", indirect="empty") == {"orders"}
    assert sel("config.enabled:true") == {"raw.customers", "countries"}


def test_config_severity_ignores_case() -> None:
    assert sel("config.severity:error") == {"unique_orders_id"}
    assert sel("config.severity:WARN") == {"rel_orders_customers"}


def test_config_without_a_key_matches_nothing() -> None:
    assert sel("config:view") == set()


def test_resource_type_selects_one_type() -> None:
    assert sel("resource_type:saved_query") == {"weekly"}


def test_an_unknown_resource_type_is_refused() -> None:
    with pytest.raises(ValidationError, match='Invalid resource_type selector "nonsense"'):
        select(PLAIN, ["resource_type:nonsense"])


def test_source_takes_source_table_or_package_source_table() -> None:
    assert sel("source:raw") == {"raw.orders", "raw.customers"}
    assert sel("source:raw.cust*") == sel("source:shop.raw.customers") == {"raw.customers"}


def test_a_source_selector_of_four_parts_is_refused() -> None:
    with pytest.raises(ValidationError, match="Invalid source selector"):
        select(PLAIN, ["source:a.b.c.d"])


def test_exposure_metric_semantic_model_saved_query_and_unit_test_select_by_name() -> None:
    assert sel("exposure:dash*") == {"dashboard"}
    assert sel("metric:shop.revenue") == {"revenue"}
    assert sel("semantic_model:orders_sm") == {"orders_sm"}
    assert sel("saved_query:weekly") == {"weekly"}
    assert sel("unit_test:test_*") == {"test_orders"}


def test_test_type_tells_generic_singular_and_unit_tests_apart() -> None:
    assert sel("test_type:generic") == {"unique_orders_id", "rel_orders_customers"}
    assert sel("test_type:singular") == {"assert_positive"}
    assert sel("test_type:unit") == {"test_orders"}
    assert sel("test_type:data") == {"unique_orders_id", "rel_orders_customers", "assert_positive"}


def test_test_type_accepts_any_part_of_data_as_dbt_does() -> None:
    assert sel("test_type:at") == sel("test_type:data")


def test_test_name_globs_the_generic_test_or_the_unit_test_name() -> None:
    assert sel("test_name:rel*") == {"rel_orders_customers"}
    assert sel("test_name:test_orders") == {"test_orders"}


def test_group_selects_nodes_and_metrics_of_the_group() -> None:
    assert sel("group:fin*", indirect="empty") == {"orders", "revenue"}


def test_access_selects_models_by_access() -> None:
    assert sel("access:private", indirect="empty") == {"customers"}


def test_version_latest_prerelease_old_and_none() -> None:
    assert sel("version:latest", indirect="empty") == {"fct.v2"}
    assert sel("version:prerelease", indirect="empty") == {"fct.v3"}
    assert sel("version:old", indirect="empty") == {"fct.v1"}
    assert "fct.v1" not in sel("version:none") and "report" in sel("version:none")


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValidationError, match="'colour' is not a valid method name"):
        select(PLAIN, ["colour:red"])


# --- state:, result:, source_status: ---------------------------------------------------------------


class FakeState:
    """A previous state in which `report` is new and a few nodes changed."""

    changes: Mapping[str, frozenset[str]] = {
        "model.shop.stg_orders": frozenset({"body"}),
        "model.shop.customers": frozenset({"configs", "relation"}),
        "model.shop.orders": frozenset({"macros"}),
        "exposure.shop.dashboard": frozenset({"other"}),
    }

    def is_new(self, unique_id: str) -> bool:
        return unique_id == "model.shop.report"

    def is_modified(self, unique_id: str) -> bool:
        return self.is_new(unique_id) or bool(self.changes.get(unique_id))

    def modifications(self, unique_id: str) -> frozenset[str]:
        if self.is_new(unique_id):
            return frozenset({"body", "configs", "relation", "persisted_descriptions", "contract"})
        return self.changes.get(unique_id, frozenset())


def test_state_new_selects_what_the_previous_state_lacks() -> None:
    assert sel("state:new", state=FakeState()) == {"report"}


def test_state_modified_follows_the_views_verdict() -> None:
    assert sel("state:modified", state=FakeState(), indirect="empty") == {
        "report", "stg_orders", "customers", "orders", "dashboard"
    }  # fmt: skip


def test_state_modified_sub_selectors_read_the_kinds_of_change() -> None:
    assert sel("state:modified.body", state=FakeState(), indirect="empty") == {"report", "stg_orders"}
    assert sel("state:modified.relation", state=FakeState(), indirect="empty") == {"report", "customers"}
    assert sel("state:modified.macros", state=FakeState(), indirect="empty") == {"orders"}


def test_state_unmodified_and_old_are_the_complements() -> None:
    everything = names(select(PLAIN, []))
    assert sel("state:unmodified", state=FakeState()) | sel("state:modified", state=FakeState()) == everything
    assert "report" not in sel("state:old", state=FakeState())


def test_state_without_a_previous_state_is_refused() -> None:
    with pytest.raises(ValidationError, match="previous state"):
        select(PLAIN, ["state:modified"])


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValidationError, match='invalid selector "changed"'):
        select(PLAIN, ["state:changed"], state=FakeState())


def test_result_selects_by_the_last_runs_status() -> None:
    results = {"model.shop.orders": "error", "test.shop.unique_orders_id": "fail"}
    assert sel("result:error", results=results, indirect="empty") == {"orders"}
    assert sel("result:fail", results=results) == {"unique_orders_id"}


def test_result_without_a_last_run_is_refused() -> None:
    with pytest.raises(ValidationError, match="last run"):
        select(PLAIN, ["result:error"])


def test_source_status_fresher_selects_sources_loaded_since() -> None:
    fresher = fresher_sources(
        {"source.shop.raw.orders": "2024-05-01T00:00:00Z", "source.shop.raw.customers": "2024-05-01T00:00:00Z"},
        {"source.shop.raw.orders": "2024-05-02T00:00:00Z", "source.shop.raw.customers": "2024-05-01T00:00:00Z"},
    )
    assert sel("source_status:fresher", source_status=fresher) == {"raw.orders"}


def test_a_source_new_in_the_current_freshness_run_is_fresher_unless_it_failed() -> None:
    assert fresher_sources({}, {"a": "2024-05-01T00:00:00+00:00", "b": None}) == {"a": "fresher"}


def test_source_status_other_than_fresher_selects_nothing() -> None:
    assert sel("source_status:stale", source_status={"source.shop.raw.orders": "fresher"}) == set()


# --- graph operators -----------------------------------------------------------------------------------


def test_plus_prefix_adds_every_ancestor() -> None:
    assert sel("+report", indirect="empty") == {
        "report", "orders", "stg_orders", "stg_customers", "raw.orders", "raw.customers"
    }  # fmt: skip


def test_plus_suffix_adds_every_descendant() -> None:
    assert sel("stg_orders+", indirect="empty") == {
        "stg_orders", "orders", "report", "dashboard", "orders_sm", "revenue", "weekly", "explore",
        "fct.v1", "fct.v2", "fct.v3", "unique_orders_id", "rel_orders_customers", "assert_positive", "test_orders",
    }  # fmt: skip


def test_depth_limits_the_walk() -> None:
    assert sel("1+report", indirect="empty") == {"report", "orders"}
    assert sel("orders_sm+1") == {"orders_sm", "revenue"}


def test_zero_depth_adds_no_parents() -> None:
    assert sel("0+report") == {"report"}


def test_at_adds_the_children_and_all_their_parents() -> None:
    assert {"customers", "countries", "stg_orders", "raw.orders"} <= sel("@stg_customers", indirect="empty")


def test_at_and_a_plus_suffix_are_refused_together() -> None:
    with pytest.raises(ValidationError, match='"@" prefix and "\\+" suffix are incompatible'):
        select(PLAIN, ["@orders+"])


# --- set operations ------------------------------------------------------------------------------------


def test_space_is_a_union() -> None:
    assert sel("report customers") == sel("report", "customers") == sel("report") | sel("customers")


def test_comma_is_an_intersection() -> None:
    assert sel("tag:staging,tag:pii", indirect="empty") == {"stg_customers"}


def test_a_graph_operator_applies_before_the_intersection() -> None:
    assert sel("+report,tag:staging", indirect="empty") == {"stg_orders", "stg_customers"}


MARTS_BUT_REPORT_AND_NIGHTLY = {
    "customers", "fct.v1", "fct.v2", "fct.v3", "unique_orders_id", "rel_orders_customers", "test_orders",
    "orders_sm", "revenue", "weekly",
}  # fmt: skip


def test_exclude_takes_away_after_the_union() -> None:
    assert sel("path:models/marts", exclude=["report", "tag:nightly"], indirect="empty") == MARTS_BUT_REPORT_AND_NIGHTLY


def test_exclude_alone_starts_from_everything() -> None:
    assert "orders" in sel(exclude=["tag:staging"]) and "stg_orders" not in sel(exclude=["tag:staging"])


def test_no_selection_means_every_resource() -> None:
    assert len(select(PLAIN, []).unique_ids) == len(NODES)


# --- indirect selection ---------------------------------------------------------------------------------


def test_eager_takes_every_test_on_a_selected_node() -> None:
    assert sel("orders") - {"orders"} == TESTS_OF_ORDERS


def test_cautious_takes_only_tests_whose_parents_are_all_selected() -> None:
    assert sel("orders", indirect="cautious") == {"orders", "unique_orders_id", "test_orders"}


def test_cautious_takes_a_test_once_a_union_holds_all_its_parents() -> None:
    assert "assert_positive" in sel("orders customers", indirect="cautious")


def test_buildable_also_takes_tests_on_ancestors_of_the_selection() -> None:
    assert sel("orders", indirect="buildable") == {
        "orders", "unique_orders_id", "test_orders", "rel_orders_customers"
    }  # fmt: skip


def test_empty_takes_no_test() -> None:
    assert sel("orders", indirect="empty") == {"orders"}


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a valid indirect selection"):
        select(PLAIN, ["orders"], indirect="greedy")


# --- YAML selectors -------------------------------------------------------------------------------------


def test_a_yaml_union_of_criterion_strings() -> None:
    assert sel(index=INDEX, selector="nightly_marts", indirect="empty") == {
        "orders", "stg_orders", "stg_customers", "raw.orders", "raw.customers"
    }  # fmt: skip


def test_a_yaml_intersection_mixing_dicts_and_strings() -> None:
    assert sel(index=INDEX, selector="both", indirect="empty") == {"stg_customers"}


def test_a_yaml_method_dict_with_depths() -> None:
    assert sel(index=INDEX, selector="near", indirect="empty") == {
        "orders", "stg_orders", "stg_customers", "report", "orders_sm", "fct.v1", "fct.v2", "fct.v3",
    } | TESTS_OF_ORDERS  # fmt: skip


def test_a_yaml_childrens_parents() -> None:
    assert "customers" in sel(index=INDEX, selector="family")


def test_a_yaml_exclude_inside_a_union() -> None:
    assert sel(index=INDEX, selector="marts_no_report", indirect="empty") == MARTS_BUT_REPORT_AND_NIGHTLY


def test_a_yaml_exclude_on_a_method_dict() -> None:
    assert sel(index=INDEX, selector="method_exclude", indirect="empty") == {
        "raw.orders",
        "raw.customers",
        "stg_orders",
    }


def test_a_yaml_criterion_sets_its_own_indirect_selection() -> None:
    assert sel(index=INDEX, selector="cautious_orders") == {"orders", "unique_orders_id", "test_orders"}
    assert sel(index=INDEX, selector="no_tests") == {"orders"}


def test_a_yaml_union_combines_in_eager_mode_whatever_its_parts_say() -> None:
    # dbt: the criteria are cautious, the union is not, so the two-parent test stays out
    assert "assert_positive" not in sel(index=INDEX, selector="cautious_pair")


def test_a_yaml_selector_may_reuse_an_earlier_one() -> None:
    assert sel(index=INDEX, selector="reuses", indirect="empty") == {"stg_customers", "dashboard"}


def test_the_default_selector_applies_without_select_or_exclude() -> None:
    assert {INDEX.nodes[u].resource_type for u in select(INDEX, [], indirect="empty").unique_ids} == {"model"}


def test_a_named_selector_takes_precedence_over_select() -> None:
    selection = select(INDEX, ["report"], selector="both", indirect="empty")
    assert names(selection) == {"stg_customers"} and selection.warnings


def test_an_unknown_yaml_selector_is_refused() -> None:
    with pytest.raises(ValidationError, match="Could not find selector named nope"):
        select(INDEX, [], selector="nope")


def test_a_yaml_reference_to_a_later_selector_is_refused() -> None:
    bad = {
        "a": {"name": "a", "definition": {"method": "selector", "value": "b"}},
        "b": {"name": "b", "definition": "x"},
    }
    with pytest.raises(ValidationError, match="Existing selector definition for b not found"):
        select(GraphIndex.from_nodes(NODES, selectors=bad), [], selector="a")


def test_a_root_definition_with_two_set_keys_is_refused() -> None:
    bad = {"a": {"name": "a", "definition": {"union": ["x"], "intersection": ["y"]}}}
    with pytest.raises(ValidationError, match="Only a single 'union' or 'intersection' key"):
        select(GraphIndex.from_nodes(NODES, selectors=bad), [], selector="a")


# --- warnings and explanations --------------------------------------------------------------------------


def test_a_criterion_matching_nothing_warns_and_selects_nothing() -> None:
    selection = select(PLAIN, ["nothing_here", "report"])
    assert names(selection) == {"report"}
    assert selection.warnings == ("The selection criterion 'nothing_here' does not match any enabled nodes",)


def test_an_empty_selection_says_so() -> None:
    assert select(PLAIN, ["nothing_here"]).warnings[-1] == "No nodes selected!"


def test_reasons_name_the_criteria_that_selected_a_node() -> None:
    selection = select(PLAIN, ["tag:nightly", "+report"])
    assert selection.reasons["model.shop.orders"] == ("tag:nightly", "+report (parent of model.shop.report)")
    assert selection.reasons["test.shop.unique_orders_id"] == ("test of model.shop.orders (eager)",)


def test_resource_types_keep_only_those_types() -> None:
    assert sel("orders+", resource_types={"test"}) == {"unique_orders_id", "rel_orders_customers", "assert_positive"}
