"""DVT's node selection selects exactly what `dbt ls` selects, case by case, over a broad battery.

Each case runs the real dbt (`dbt ls --select ... --exclude ... --selector ... --indirect-selection ...
[--state ...] --resource-type all`, see conftest.py) and DVT's `select(...)` over the manifest dbt wrote.
Any difference fails: a different set of unique_ids, one erroring where the other does not, or a
different set of criteria reported as matching nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pytest

from dvt.domain.errors import ValidationError
from dvt.domain.graph.selection import LISTED_RESOURCE_TYPES, select

from .conftest import ParityWorld


@dataclass(frozen=True)
class Case:
    id: str
    project: str  # gen (generated + extras), state (gen_changed with --state), demo (examples/demo_shop)
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    indirect: str | None = None

    def args(self) -> list[str]:
        args = ["--select", *self.select] if self.select else []
        args += ["--exclude", *self.exclude] if self.exclude else []
        args += ["--selector", self.selector] if self.selector else []
        args += ["--indirect-selection", self.indirect] if self.indirect else []
        return args


def gen(*select: str, exclude: Sequence[str] = (), selector: str | None = None, indirect: str | None = None) -> Case:
    return Case("", "gen", tuple(select), tuple(exclude), selector, indirect)


def state(*select: str, exclude: Sequence[str] = (), selector: str | None = None, indirect: str | None = None) -> Case:
    return Case("", "state", tuple(select), tuple(exclude), selector, indirect)


def demo(*select: str, exclude: Sequence[str] = (), selector: str | None = None, indirect: str | None = None) -> Case:
    return Case("", "demo", tuple(select), tuple(exclude), selector, indirect)


CASES = [
    # no selection: the default YAML selector (gen) or every resource (demo)
    gen(),
    demo(),
    # names, fqn and its globs
    gen("int_d1_17"),
    gen("staging"),
    gen("gen_project.staging.domain_1.*"),
    gen("stg_d1_?"),
    gen("*_d1_1*"),
    gen("*"),
    gen("fqn:gen_project.marts.*"),
    gen("fqn:extras.*"),
    gen("gen_project.extras"),
    gen("dim_versioned"),
    gen("dim_versioned.v1"),
    gen("dim_versioned_v3"),
    gen("dim_vers*"),
    gen("does_not_exist"),
    # path: and file:
    gen("path:models/staging/domain_1"),
    gen("models/intermediate/domain_2"),
    gen("path:models/*/domain_0/*.sql"),
    gen("path:models/**/_domain_1__models.yml"),
    gen("path:models/extras/"),
    gen("path:models/extras/configured.sql/"),
    gen("path:analyses"),
    gen("path:*"),
    gen("path:dbt_project.yml"),
    gen("file:stg_d1_1.sql"),
    gen("int_d1_17.sql"),
    gen("file:_extras"),
    gen("file:dim_versioned_v*"),
    # tag:, config.*:, resource_type:, package:
    gen("tag:nightly"),
    gen("tag:fin*"),
    gen("tag:domain_1,tag:critical"),
    gen("tag:reporting"),
    gen("config.materialized:incremental"),
    gen("config.materialized:ephemeral+"),
    gen("config.meta.owner:team-d1"),
    gen("config.severity:error"),
    gen("config.severity:warn"),
    gen("config.contract.enforced:true"),
    gen("config.tags:finance"),
    gen("config.enabled:TRUE,resource_type:source"),
    gen("config:view"),
    gen("resource_type:test"),
    gen("resource_type:unit_test"),
    gen("resource_type:analysis"),
    gen("resource_type:seed+1"),
    gen("resource_type:operation"),
    gen("package:gen_project,resource_type:source"),
    gen("package:this,tag:pii"),
    gen("package:dbt"),
    # source:, exposure:, metric:, semantic_model:, unit_test:
    gen("source:domain_1"),
    gen("source:domain_*.t2+"),
    gen("source:gen_project.domain_0.t0+1"),
    gen("exposure:exposure_0"),
    gen("+exposure:versioned_report"),
    gen("metric:total_value"),
    gen("+metric:*"),
    gen("semantic_model:dated_values_sm"),
    gen("unit_test:finance_orders_*"),
    # test_type:, test_name:
    gen("test_type:generic"),
    gen("test_type:singular"),
    gen("test_type:unit"),
    gen("test_type:data"),
    gen("test_type:a"),
    gen("test_name:relationships"),
    gen("test_name:not_*"),
    gen("test_name:finance_orders_*"),
    # group:, access:, version:
    gen("group:finance"),
    gen("group:fin*+"),
    gen("access:private"),
    gen("access:public"),
    gen("access:protected,tag:finance_x"),
    gen("version:latest"),
    gen("version:prerelease"),
    gen("version:old"),
    gen("version:none,path:models/extras"),
    # graph operators
    gen("+int_d1_17"),
    gen("2+int_d1_17"),
    gen("int_d1_19+"),
    gen("int_d1_19+1"),
    gen("1+stg_d1_1+1"),
    gen("@int_d1_19"),
    gen("@2+int_d1_19"),
    gen("+int_d1_17,tag:domain_1"),
    gen("0+finance_orders"),
    gen("+source:domain_0"),
    # unions, intersections, exclusions
    gen("tag:nightly tag:hourly"),
    gen("tag:nightly", "tag:hourly,tag:critical"),
    gen("tag:domain_1", exclude=["tag:critical"]),
    gen(exclude=["resource_type:test"]),
    gen("path:models/staging", exclude=["stg_d1_1+", "tag:pii"]),
    gen("int_d1_17,stg_d1_1"),
    gen("config.materialized:view,config.materialized:table"),
    gen("tag:staging", exclude=["nothing_here"]),
    gen("tag:staging  tag:marts"),
    gen("tag:nightly,"),
    gen("config.materialized:TABLE"),
    gen("exposure:gen_project.exposure_0+"),
    gen("path:./", exclude=["path:models"]),
    gen("path:models/**", exclude=["path:models/*/domain_*"]),
    gen(selector="buildable_int", indirect="cautious"),
    # indirect selection
    gen("int_d1_17", indirect="cautious"),
    gen("int_d1_17 stg_d1_1", indirect="cautious"),
    gen("int_d1_17", "stg_d1_1", indirect="buildable"),
    gen("int_d1_17", indirect="buildable"),
    gen("+int_d1_17", indirect="buildable"),
    gen("finance_orders", indirect="buildable"),
    gen("finance_orders", indirect="cautious"),
    gen("finance_orders stg_d1_1", indirect="cautious"),
    gen("finance_orders+", indirect="cautious"),
    gen("tag:finance_x", indirect="empty"),
    gen("+int_d1_17", exclude=["stg_d1_1"], indirect="cautious"),
    gen("int_d1_17,+int_d1_17", indirect="cautious"),
    # YAML selectors
    gen(selector="marts_incremental"),
    gen(selector="near_int_d1_17"),
    gen(selector="near_int_d1_17", indirect="cautious"),
    gen(selector="source_children"),
    gen(selector="critical_family"),
    gen(selector="cautious_pair"),
    gen(selector="buildable_int"),
    gen(selector="finance_without_tests"),
    gen(selector="staging_but_not_pii"),
    gen(selector="marts_not_incremental"),
    gen(selector="reused"),
    gen(selector="domain_1_models_not_critical"),
    gen(selector="exposure_upstream", indirect="empty"),
    gen(selector="two_up_one_down"),
    gen(selector="every_model"),
    gen("tag:nightly", selector="marts_incremental"),
    # errors
    gen("unknown_method:x"),
    gen(selector="no_such_selector"),
    gen("@int_d1_17+"),
    gen("resource_type:nonsense"),
    gen("test_type:bogus"),
    gen("version:bogus"),
    gen("source:a.b.c.d"),
    gen("state:modified"),
    gen("result:error"),
    gen("path:."),
    # state:, result:, source_status:
    state("state:new"),
    state("state:old,tag:finance_x"),
    state("state:modified"),
    state("state:modified+"),
    state("+state:modified"),
    state("state:modified.body"),
    state("state:modified.configs"),
    state("state:modified.relation"),
    state("state:modified.persisted_descriptions"),
    state("state:modified.macros"),
    state("state:modified.contract"),
    state("state:unmodified,path:models/extras"),
    state("state:modified", exclude=["state:modified.body"]),
    state("state:modified+", indirect="cautious"),
    state("state:modified.configs,resource_type:model"),
    state("state:modified.body+1", indirect="buildable"),
    state("state:bogus"),
    state("exposure:* source:*", exclude=["state:unmodified"]),
    state("resource_type:source,state:modified.relation"),
    state(selector="modified_and_after"),
    state("result:error"),
    state("result:fail+"),
    state("result:success"),
    state("result:warn"),
    state("result:skipped+"),
    state("result:pass"),
    state("result:error+ state:new"),
    state("source_status:fresher"),
    state("source_status:fresher+"),
    state("source_status:stale"),
    # the demo project: semantic layer, snapshot, groups, a source with freshness
    demo("metric:revenue"),
    demo("+metric:revenue"),
    demo("semantic_model:orders+"),
    demo("resource_type:snapshot"),
    demo("group:finance"),
    demo("access:public"),
    demo("test_type:singular"),
    demo("source:raw+"),
    demo("tag:marts"),
    demo("@stg_orders"),
    demo("path:models/marts"),
    demo("exposure:*"),
    demo("orders_snapshot"),
    demo("file:*.yml"),
    demo("test_name:accepted_values"),
    demo("fct_orders", indirect="buildable"),
    demo("fct_payments", indirect="cautious"),
    demo("+fct_orders", exclude=["resource_type:test"]),
    demo("config.materialized:ephemeral+"),
    demo("package:demo_shop", exclude=["tag:staging", "tag:marts"]),
]


def _with_ids(cases: list[Case]) -> list[Case]:
    named: list[Case] = []
    seen: dict[str, int] = {}
    for case in cases:
        label = " ".join(case.args()) or "(no arguments)"
        base = f"{case.project}: {label}"
        seen[base] = seen.get(base, 0) + 1
        named.append(Case(base if seen[base] == 1 else f"{base} #{seen[base]}", *list(asdict(case).values())[1:]))
    return named


BATTERY = _with_ids(CASES)


@pytest.fixture(scope="module")
def world(ask_dbt_once: Callable[[Sequence[Mapping[str, Any]]], ParityWorld]) -> ParityWorld:
    return ask_dbt_once([{"id": c.id, "project": c.project, "args": c.args()} for c in BATTERY])


def _dvt(world: ParityWorld, case: Case) -> tuple[set[str] | None, str | None, set[str]]:
    project = world.projects[case.project]
    with_state = case.project == "state"
    try:
        selection = select(
            project.index,
            case.select,
            case.exclude,
            case.selector,
            case.indirect or "eager",
            state=project.comparison if with_state else None,
            results=world.results if with_state else None,
            source_status=world.source_status if with_state else None,
            resource_types=LISTED_RESOURCE_TYPES,
        )
    except ValidationError as error:
        return None, str(error), set()
    unmatched = {w for w in selection.warnings if "does not match any enabled nodes" in w}
    return set(selection.unique_ids), None, unmatched


def _unmatched_by_dbt(warnings: list[str]) -> set[str]:
    prefix = "NoNodesForSelectionCriteria:"
    return {
        f"The selection criterion '{w.removeprefix(prefix)}' does not match any enabled nodes"
        for w in warnings
        if w.startswith(prefix)
    }


def test_the_battery_covers_every_method_and_operator() -> None:
    written = " ".join(" ".join(c.args()) for c in BATTERY)
    methods = [
        *("fqn:", "path:", "file:", "tag:", "config.", "resource_type:", "package:", "source:", "exposure:"),
        *("metric:", "semantic_model:", "unit_test:", "test_type:", "test_name:", "group:", "access:", "version:"),
        *("state:", "result:", "source_status:"),
    ]
    assert [m for m in methods if m not in written] == []
    assert all(op in written for op in ("+int", "2+", "+1", "@", ",", "--exclude", "--selector", "cautious"))
    assert len(BATTERY) >= 60


@pytest.mark.parametrize("case", BATTERY, ids=[c.id for c in BATTERY])
def test_dvt_selects_what_dbt_ls_selects(world: ParityWorld, case: Case) -> None:
    answer = world.answers[case.id]
    selected, error, unmatched = _dvt(world, case)
    if answer["error"] is not None:
        assert error is not None, f"dbt failed ({answer['error']}) but DVT selected {sorted(selected or ())[:10]}"
        return
    assert error is None, f"DVT refused ({error}) what dbt answered with {len(answer['unique_ids'])} nodes"
    expected = set(answer["unique_ids"])
    assert selected is not None
    only_dbt, only_dvt = sorted(expected - selected), sorted(selected - expected)
    assert (only_dbt, only_dvt) == ([], []), (
        f"{len(expected)} selected by dbt, {len(selected)} by DVT\nonly dbt: {only_dbt}\nonly DVT: {only_dvt}"
    )
    assert unmatched == _unmatched_by_dbt(answer["warnings"])
