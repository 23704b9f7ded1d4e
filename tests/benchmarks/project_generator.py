"""Generate synthetic dbt projects of any size, shaped like real ones, for DVT's benchmarks and tests.

The project has sources loaded by small seeds, staging -> intermediate -> marts layers split into
domains, tags, meta, generic tests and exposures. Every model yields columns ``id`` and ``value``
(ids 1..5, one row each), so ``dbt build`` on DuckDB succeeds and stays cheap at any size.
With ``macro_share`` > 0, that share of the models computes its value through one project macro
(``macros/gen_value.sql``); ``macro_changed`` alters the macro's SQL (not its result): the plan
benchmark's "a widely used macro changed" case.

    python tests/benchmarks/project_generator.py OUT_DIR --models N [--seed S] [--changed C]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_NAME = "gen_project"
SEED_ROWS = 5
MODULUS = 1009  # keeps every value small whatever the depth of the DAG
TAG_POOL = ("nightly", "hourly", "critical", "pii", "finance", "experimental")
EXPOSURE_TYPES = ("dashboard", "notebook", "application", "analysis", "ml")


@dataclass
class SourceTable:
    domain: int
    name: str  # table name inside source `domain_<domain>`
    seed: str  # the seed that loads it


@dataclass
class Model:
    name: str
    layer: str  # staging | intermediate | marts
    domain: int
    materialized: str
    constant: int  # part of the value expression; `changed` bumps it
    parents: list[str] = field(default_factory=list)
    source: SourceTable | None = None
    tags: list[str] = field(default_factory=list)
    tested: bool = False
    uses_macro: bool = False


def _layer_sizes(n_models: int) -> tuple[int, int, int]:
    n_staging = max(1, round(n_models * 0.30))
    n_marts = min(n_models - n_staging, round(n_models * 0.25))
    return n_staging, n_models - n_staging - n_marts, n_marts


def _pick_materialized(rng: random.Random, layer: str) -> str:
    roll = rng.random()
    if layer == "staging":
        return "table" if roll < 0.1 else "view"
    if layer == "intermediate":
        if roll < 0.04:
            return "ephemeral"
        if roll < 0.20:
            return "incremental"
        return "table" if roll < 0.45 else "view"
    return "incremental" if roll < 0.3 else "table"


def _pick_parents(rng: random.Random, domain: int, pool: list[Model], by_domain: dict[int, list[Model]]) -> list[str]:
    """1-3 distinct parents, mostly from the same domain."""
    wanted = min(rng.randint(1, 3), len(pool))
    parents: list[str] = []
    while len(parents) < wanted:
        local = by_domain.get(domain)
        candidate = rng.choice(local if local and rng.random() < 0.7 else pool).name
        if candidate not in parents:
            parents.append(candidate)
    return parents


def _plan(n_models: int, seed: int) -> tuple[list[SourceTable], list[Model], int]:
    rng = random.Random(seed)
    n_tables = max(1, n_models // 50)
    n_domains = max(1, min(12, n_tables, round(math.sqrt(n_models) / 3)))
    tables = [
        SourceTable(domain=j % n_domains, name=f"t{j}", seed=f"raw_d{j % n_domains}_t{j}") for j in range(n_tables)
    ]
    n_staging, n_intermediate, n_marts = _layer_sizes(n_models)
    models: list[Model] = []
    pool: list[Model] = []  # models that later layers may select from
    by_domain: dict[int, list[Model]] = {}

    for i in range(n_staging):
        table = tables[i % len(tables)]
        model = Model(
            f"stg_d{table.domain}_{i}",
            "staging",
            table.domain,
            _pick_materialized(rng, "staging"),
            rng.randrange(100),
            source=table,
        )
        models.append(model)
        pool.append(model)
        by_domain.setdefault(model.domain, []).append(model)

    for layer, prefix, count in (("intermediate", "int", n_intermediate), ("marts", "", n_marts)):
        for i in range(count):
            domain = rng.randrange(n_domains)
            name_prefix = prefix or rng.choice(("fct", "dim"))
            model = Model(
                f"{name_prefix}_d{domain}_{i}",
                layer,
                domain,
                _pick_materialized(rng, layer),
                rng.randrange(100),
                parents=_pick_parents(rng, domain, pool, by_domain),
            )
            models.append(model)
            if layer == "intermediate":  # later intermediates may build on earlier ones
                pool.append(model)
                by_domain.setdefault(domain, []).append(model)

    for model in models:
        if rng.random() < 0.25:
            model.tags = sorted(rng.sample(TAG_POOL, rng.randint(1, 2)))
        # unique + not_null on a quarter of the models: about one test per two models
        model.tested = model.materialized != "ephemeral" and rng.random() < 0.25
    return tables, models, n_domains


MACRO_NAME = "gen_value"


def _macro_sql(changed: bool) -> str:
    # Both bodies give the same values; dbt's state:modified compares the macro's SQL, so it sees a change.
    body = "(({{ expr }}) % {{ modulus }})" if changed else "({{ expr }}) % {{ modulus }}"
    return f"{{% macro {MACRO_NAME}(expr, modulus={MODULUS}) %}}{body}{{% endmacro %}}\n"


def _value(model: Model, expression: str) -> str:
    if model.uses_macro:
        return f"{{{{ {MACRO_NAME}('{expression}') }}}} as value"
    return f"({expression}) % {MODULUS} as value"


def _model_sql(model: Model, bump: int) -> str:
    constant = model.constant + bump
    lines: list[str] = []
    default = {"staging": "view", "intermediate": "view", "marts": "table"}[model.layer]
    if model.materialized == "incremental":
        lines += ["{{ config(materialized='incremental', unique_key='id') }}", ""]
    elif model.materialized != default:
        lines += [f"{{{{ config(materialized='{model.materialized}') }}}}", ""]
    if model.source is not None:
        # dbt does not order sources after the seeds that load them: this ref does.
        lines += [
            f"-- depends_on: {{{{ ref('{model.source.seed}') }}}}",
            "",
            "select",
            "    id,",
            f"    {_value(model, f'value + {constant}')}",
            f"from {{{{ source('domain_{model.source.domain}', '{model.source.name}') }}}}",
        ]
    else:
        terms = ["p1.value"] + [f"coalesce(p{k}.value, 0)" for k in range(2, len(model.parents) + 1)]
        lines += [
            "select",
            "    p1.id,",
            f"    {_value(model, ' + '.join(terms) + f' + {constant}')}",
            f"from {{{{ ref('{model.parents[0]}') }}}} as p1",
        ]
        lines += [
            f"left join {{{{ ref('{parent}') }}}} as p{k} on p1.id = p{k}.id"
            for k, parent in enumerate(model.parents[1:], start=2)
        ]
    if model.materialized == "incremental":
        key = "id" if model.source is not None else "p1.id"
        lines += [
            "{% if is_incremental() %}",
            f"where {key} > (select coalesce(max(id), 0) from {{{{ this }}}})",
            "{% endif %}",
        ]
    return "\n".join(lines) + "\n"


def _models_yml(models: list[Model]) -> str:
    lines = ["models:"]
    for model in models:
        origin = (
            f"source domain_{model.source.domain}.{model.source.name}"
            if model.source is not None
            else ", ".join(model.parents)
        )
        lines += [
            f"  - name: {model.name}",
            f"    description: {model.layer.capitalize()} model of domain {model.domain}, from {origin}.",
        ]
        config: list[str] = []
        if model.tags:
            config.append(f"      tags: [{', '.join(model.tags)}]")
        if model.layer == "marts":
            config.append(f"      meta: {{tier: {model.constant % 3 + 1}}}")
        if config:
            lines += ["    config:", *config]
        tests = ["        data_tests: [unique, not_null]"] if model.tested else []
        lines += [
            "    columns:",
            "      - name: id",
            "        description: Row key, 1 to 5.",
            *tests,
            "      - name: value",
            "        description: A number derived from the parents' values.",
        ]
    return "\n".join(lines) + "\n"


def _sources_yml(tables: list[SourceTable], n_domains: int) -> str:
    lines = ["sources:"]
    for domain in range(n_domains):
        domain_tables = [t for t in tables if t.domain == domain]
        if not domain_tables:
            continue
        lines += [
            f"  - name: domain_{domain}",
            f"    description: Raw tables of domain {domain}, loaded by seeds.",
            '    schema: "{{ target.schema }}"',
            "    tables:",
        ]
        for table in domain_tables:
            lines += [f"      - name: {table.name}", f"        identifier: {table.seed}"]
    return "\n".join(lines) + "\n"


def _exposures_yml(rng: random.Random, models: list[Model], n_models: int) -> str:
    marts = [m for m in models if m.layer == "marts"] or [m for m in models if m.materialized != "ephemeral"]
    lines = ["exposures:"]
    for i in range(min(5, max(1, n_models // 200))):
        lines += [
            f"  - name: exposure_{i}",
            f"    type: {EXPOSURE_TYPES[i % len(EXPOSURE_TYPES)]}",
            f"    description: Generated exposure {i}.",
            "    owner:",
            f"      name: Team {i}",
            f"      email: team{i}@example.com",
            "    depends_on:",
        ]
        for parent in rng.sample(marts, min(len(marts), rng.randint(1, 3))):
            lines.append(f"      - ref('{parent.name}')")
    return "\n".join(lines) + "\n"


def _project_yml(models: list[Model]) -> str:
    lines = [
        f"name: {PROJECT_NAME}",
        'version: "1.0.0"',
        f"profile: {PROJECT_NAME}",
        "",
        "models:",
        f"  {PROJECT_NAME}:",
    ]
    # Only folders that hold models: dbt warns about config paths that match nothing.
    for layer, materialized in (("staging", "view"), ("intermediate", "view"), ("marts", "table")):
        domains = sorted({m.domain for m in models if m.layer == layer})
        if not domains:
            continue
        lines += [f"    {layer}:", f"      +materialized: {materialized}", f"      +tags: [{layer}]"]
        for domain in domains:
            lines += [
                f"      domain_{domain}:",
                f"        +tags: [domain_{domain}]",
                f"        +meta: {{owner: team-d{domain}}}",
            ]
    lines += ["", "seeds:", f"  {PROJECT_NAME}:", "    +tags: [raw]"]
    return "\n".join(lines) + "\n"


PROFILES_YML = f"""{PROJECT_NAME}:
  target: duckdb
  outputs:
    duckdb:
      type: duckdb
      path: "{{{{ env_var('DVT_GEN_DUCKDB_PATH', 'gen.duckdb') }}}}"
      threads: 4
"""


def _prepare(root: Path) -> None:
    """Create root, or clear a project generated there before; refuse any other non-empty folder."""
    if root.exists() and any(root.iterdir()):
        project = root / "dbt_project.yml"
        if not project.exists() or f"name: {PROJECT_NAME}\n" not in project.read_text():
            raise FileExistsError(f"{root} is not empty and holds no generated project")
        for sub in ("models", "seeds", "macros"):
            shutil.rmtree(root / sub, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def generate_project(
    root: Path,
    n_models: int,
    *,
    seed: int = 0,
    changed: int = 0,
    macro_share: float = 0.0,
    macro_changed: bool = False,
) -> Path:
    """Write a project of exactly n_models models into root and return root.

    The same (n_models, seed, changed) gives byte-identical files; changed > 0 alters the SQL of
    that many models (and nothing else) compared with changed=0. macro_share 0 writes no macro at all
    (the projects of every earlier run); macro_changed alters only the macro's file.
    """
    if n_models < 1:
        raise ValueError("n_models must be at least 1")
    if not 0 <= changed <= n_models:
        raise ValueError("changed must be between 0 and n_models")
    tables, models, n_domains = _plan(n_models, seed)
    # Its own stream, so that `changed` leaves the rest of the project as it is.
    bumped = {m.name for m in random.Random(f"changed:{seed}").sample(models, changed)}
    if macro_share > 0:
        users = random.Random(f"macro:{seed}")
        for model in models:
            model.uses_macro = users.random() < macro_share

    _prepare(root)
    _write(root / "dbt_project.yml", _project_yml(models))
    _write(root / "profiles.yml", PROFILES_YML)
    _write(root / "models" / "staging" / "_sources.yml", _sources_yml(tables, n_domains))
    _write(root / "models" / "_exposures.yml", _exposures_yml(random.Random(seed + 1), models, n_models))
    if macro_share > 0:
        _write(root / "macros" / f"{MACRO_NAME}.sql", _macro_sql(macro_changed))

    folders: dict[Path, list[Model]] = {}
    for model in models:
        folder = root / "models" / model.layer / f"domain_{model.domain}"
        folders.setdefault(folder, []).append(model)
        _write(folder / f"{model.name}.sql", _model_sql(model, 1 if model.name in bumped else 0))
    for folder, folder_models in folders.items():
        _write(folder / f"_{folder.name}__models.yml", _models_yml(folder_models))

    values = random.Random(seed + 2)
    for table in tables:
        rows = [f"{i},{values.randrange(100)}" for i in range(1, SEED_ROWS + 1)]
        _write(root / "seeds" / f"{table.seed}.csv", "\n".join(["id,value", *rows]) + "\n")
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a synthetic dbt project.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--models", type=int, required=True, help="number of models")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--changed", type=int, default=0, help="models whose SQL to alter (default 0)")
    args = parser.parse_args(argv)
    try:
        root = generate_project(args.out_dir, args.models, seed=args.seed, changed=args.changed)
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    print(f"wrote {args.models} models to {root}")


if __name__ == "__main__":
    main()
