"""The security benchmark: tenant isolation swept over the schema, hostile requests, and what authorization costs.

    .venv/bin/python -m tests.benchmarks.security [--runs 50] [--out docs/benchmarks.md]

It reports the number of schema fields the isolation sweep covered and the leaks it found (the sweep of
`tests/api/test_isolation.py`: two tenants with the same slugs and data, every root field called as the
other tenant's viewer, editor and admin), the number of hostile requests tried (`tests/api/test_hostile_requests.py`)
and how many caused a 500, and the overhead of authorization on a 100-node list query: the real app with an
API token against the same query with authorization off, i.e. `DvtGraphQL` behind a test-only gate that
injects `Access.system(tenant)` (no token, no grants, no Casbin, no rate limit). Both are served in process
through ASGI, interleaved, median of `--runs` each. It prints the tables and rewrites its own section of the
output file, between `<!-- security-benchmark:start -->` and `<!-- security-benchmark:end -->`.

The database is a fresh `dvt_bench_<hex>` on the server of DVT_BENCH_DATABASE_URL (else DVT_TEST_DATABASE_URL),
dropped afterwards; with neither set, the embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import os
import re
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from dvt.api.app import DvtGraphQL, create_app
from dvt.api.schema import create_schema
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.bootstrap import services
from dvt.config import Settings
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.schema_walk import MAX_COMBINATIONS, root_fields
from tests.api.test_hostile_requests import CASES, attempt, hostile_targets, judge
from tests.api.test_isolation import attack, build_tenant
from tests.benchmarks.machine import describe
from tests.benchmarks.report import Table, write_section
from tests.benchmarks.run import database
from tests.conftest import FIXTURES

SECTION = "security-benchmark"
TRACE_ID = re.compile(r" \(trace id [0-9a-f]+\)")
ROOT = Path(__file__).resolve().parents[2]
LIST_MANIFEST = FIXTURES / "fivetran__dbt_zendesk" / "manifest__2025-07-28_dbt1.10.5.json"  # 142 nodes
LIST_SIZE = 100
LIST_QUERY = f"""query($id: ID!) {{ graphVersion(id: $id) {{ nodes(first: {LIST_SIZE}) {{ nodes {{
  id nodeUuid uniqueId name resourceType packageName path tags materialized }} }} }} }}"""

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


# ---------------------------------------------------------------------------------------------- isolation


async def isolation(settings: Settings) -> dict[str, Any]:
    """The isolation suite's sweep: tenant A's viewer, editor and admin against tenant B's ids."""
    unlimited = settings.model_copy(update={"rate_limit_per_minute": 0})
    async with services(unlimited, migrate=False) as app:
        transport = httpx.ASGITransport(app=create_app(app), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://dvt.test", timeout=60) as http:
            schema = create_schema()._schema
            a, b = await build_tenant(app, http, "a"), await build_tenant(app, http, "b")
            started = time.perf_counter()
            result = await attack(http, schema, a, b)
            elapsed = time.perf_counter() - started
    report = result.report
    crashes = [f for f in report.failures if f.status >= 500]
    return {
        "root_fields": len(list(root_fields(schema))),
        "fields_covered": len(report.fields),
        "requests": report.requests,
        "leaks": len(report.leaks),
        "server_failures": len(crashes),
        "masked_errors": len(report.failures) - len(crashes),
        "victim_unchanged": result.before == result.after,
        "seconds": elapsed,
        "leak_examples": [str(f) for f in report.leaks[:5]],
        "failure_examples": sorted(
            {f"{f.probe.operation}.{f.probe.field}: {TRACE_ID.sub('', f.problem)[:80]}" for f in report.failures}
        ),
    }


# ---------------------------------------------------------------------------------------------- hostile


async def hostile(app: Services, settings: Settings) -> dict[str, Any]:
    """Every hostile case, once per transport it has (HTTP, and a WebSocket where it has that form), judged as
    its test judges it."""
    outcomes = []
    async with hostile_targets(app, settings) as (clients, kit):
        for case in CASES:
            for transport in case.transports:
                answer = await attempt(case, clients, kit, transport)
                owed = case
                if transport == "websocket" and case.socket_status is not None:
                    owed = dataclasses.replace(case, status=case.socket_status)
                outcomes.append((owed, answer, judge(owed, answer)))
    return {
        "tried": len(outcomes),
        "as_expected": sum(problem is None for _, _, problem in outcomes),
        "server_failures": [c.name for c, a, _ in outcomes if a.status >= 500],
        "masked_errors": [c.name for c, a, p in outcomes if a.status < 500 and p and "masked" in p],
        "wrong_answers": [c.name for c, a, p in outcomes if a.status < 500 and p and "masked" not in p],
        "known_bugs": sum(c.bug is not None for c, _, _ in outcomes),
    }


# ---------------------------------------------------------------------------------------------- overhead


class SystemGate:
    """Test-only, never in the backend: every HTTP request acts as DVT itself in one tenant.

    No bearer token is read, no grant loaded, no Casbin enforcer built and no rate limit counted: this is
    the GraphQL app with authorization off, the baseline the real gate is compared with.
    """

    def __init__(self, tenant: TenantScope, app: DvtGraphQL) -> None:
        self._tenant = tenant
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["access"] = Access.system(self._tenant)
        await self._app(scope, receive, send)


def unauthorized_app(app: Services, tenant: TenantScope) -> Starlette:
    return Starlette(routes=[Route("/graphql", SystemGate(tenant, DvtGraphQL(app)), methods=["GET", "POST"])])


async def authorization_overhead(app: Services, settings: Settings, runs: int) -> dict[str, Any]:
    """Median time of the 100-node list query with authorization off, and on (with and without the rate limit)."""
    tenant = await app.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
    scope = TenantScope(tenant.id)
    system = Access.system(scope)
    files = [ArtifactFile(LIST_MANIFEST.name, LIST_MANIFEST.read_bytes())]
    report = await app.ingest.ingest(system, IngestTarget("zendesk", "prod"), files)
    version = base64.b64encode(f"GraphVersion:{report.graph_version_id}".encode()).decode()
    _, token = await app.identity.create_api_token(system, "overhead", ["viewer"])
    async with services(settings.model_copy(update={"rate_limit_per_minute": 0}), migrate=False) as unlimited:
        variants = {
            "authorization off": (unauthorized_app(app, scope), {}),
            "authorization on": (create_app(app), {"authorization": f"Bearer {token}"}),
            "authorization on, no rate limit": (create_app(unlimited), {"authorization": f"Bearer {token}"}),
        }
        return await _interleaved(variants, version, runs)


async def _interleaved(variants: dict[str, tuple[Any, dict[str, str]]], version: str, runs: int) -> dict[str, Any]:
    clients = {
        name: httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://dvt.test", headers=headers)
        for name, (asgi, headers) in variants.items()
    }
    body = {"query": LIST_QUERY, "variables": {"id": version}}
    times: dict[str, list[float]] = {name: [] for name in variants}
    answers: dict[str, Any] = {}
    try:
        for name, http in clients.items():  # warm up: schema, loaders, connection pool, JWKS and the like
            for _ in range(3):
                answers[name] = (await http.post("/graphql", json=body)).json()
        names = list(clients)
        for run in range(runs):
            order = names[run % len(names) :] + names[: run % len(names)]  # interleaved, each first in turn
            for name in order:
                started = time.perf_counter()
                response = await clients[name].post("/graphql", json=body)
                times[name].append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
    finally:
        for http in clients.values():
            await http.aclose()
    listed = {name: len(answer["data"]["graphVersion"]["nodes"]["nodes"]) for name, answer in answers.items()}
    assert set(listed.values()) == {LIST_SIZE}, listed
    assert len({str(a) for a in answers.values()}) == 1, "the variants answered differently"
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"runs": runs, "nodes": LIST_SIZE, "median_s": medians}


async def credential_recheck(app: Services, runs: int) -> dict[str, Any]:
    """What a WebSocket pays per operation to re-check its credential (one read of the tenant's credentials
    version) against what it would pay to sign in again in full (token, grants, Casbin): interleaved medians."""
    tenant = await app.tenancy.create_tenant(SYSTEM, f"bench-{uuid.uuid4().hex[:8]}")
    scope = TenantScope(tenant.id)
    _, token = await app.identity.create_api_token(Access.system(scope), "bench", ["viewer"])
    standing = await app.credentials.admit(token)
    variants: dict[str, Callable[[], Awaitable[Any]]] = {
        "full sign-in (connection_init)": lambda: app.credentials.admit(token),
        "re-check per operation": lambda: app.credentials.check(standing),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for run in range(runs):
        for name in names[run % 2 :] + names[: run % 2]:
            began = time.perf_counter()
            await variants[name]()
            times[name].append(time.perf_counter() - began)
    return {"runs": runs, "median_s": {name: statistics.median(values) for name, values in times.items()}}


# ---------------------------------------------------------------------------------------------- report


async def measure(*, runs: int = 50) -> dict[str, Any]:
    """Every number of the section, measured on a scratch database."""
    started = time.perf_counter()
    async with database() as (url, postgres):
        data_dir = Path(tempfile.mkdtemp(prefix="dvt-security-"))
        try:
            keys = ",".join(f"k{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in (1, 2))
            settings = Settings(database_url=url, data_dir=data_dir, secret_keys=keys)
            sweep = await isolation(settings)
            async with services(settings, migrate=False) as app:
                hostile_numbers = await hostile(app, settings)
                overhead = await authorization_overhead(app, settings, runs)
                recheck = await credential_recheck(app, runs * 4)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "isolation": sweep,
        "hostile": hostile_numbers,
        "overhead": overhead,
        "recheck": recheck,
        "postgres": postgres,
        "seconds": time.perf_counter() - started,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def markdown(result: dict[str, Any], command: str) -> str:
    sweep, hostile_numbers, overhead = result["isolation"], result["hostile"], result["overhead"]
    machine = describe(result["postgres"], "not used")
    isolation_table = Table(
        "Tenant isolation sweep",
        ["root fields in the schema", "fields covered", "requests", "leaks", "5xx / crashes", "masked errors",
         "victim unchanged", "time"],
        [[str(sweep["root_fields"]), str(sweep["fields_covered"]), f"{sweep['requests']:,}", str(sweep["leaks"]),
          str(sweep["server_failures"]), str(sweep["masked_errors"]), "yes" if sweep["victim_unchanged"] else "**no**",
          f"{sweep['seconds']:.1f} s"]],
        [
            "Tenant A's viewer, editor and admin API tokens call every query and mutation of the schema with tenant B's "
            f"ids and slugs (up to {MAX_COMBINATIONS} argument combinations per field and role), selecting every field "
            "they reach; a "
            "leak is any of B's ids, markers or its secret's value in an answer.",
            *(f"- failure: `{line}`" for line in sweep["failure_examples"]),
        ],
    )  # fmt: skip
    hostile_table = Table(
        "Hostile requests",
        ["tried", "answered as expected", "caused a 500", "masked unexpected errors", "other wrong answers",
         "known backend bugs among them"],
        [[str(hostile_numbers["tried"]), str(hostile_numbers["as_expected"]),
          str(len(hostile_numbers["server_failures"])), str(len(hostile_numbers["masked_errors"])),
          str(len(hostile_numbers["wrong_answers"])), str(hostile_numbers["known_bugs"])]],
        [f"- 500: {name}" for name in hostile_numbers["server_failures"]]
        + [f"- masked: {name}" for name in hostile_numbers["masked_errors"]]
        + [f"- wrong: {name}" for name in hostile_numbers["wrong_answers"]],
    )  # fmt: skip
    medians = overhead["median_s"]
    off = medians["authorization off"]
    overhead_table = Table(
        f"Authorization overhead on a {overhead['nodes']}-node list query (median of {overhead['runs']}, interleaved)",
        ["variant", "median", "overhead", "ratio"],
        [[name, _ms(value), _ms(value - off), f"{value / off:.2f}x"] for name, value in medians.items()],
        [
            "Off: `DvtGraphQL` behind a test-only gate injecting `Access.system(tenant)`. On: the real `create_app` "
            "with a viewer API token (token lookup, grants, Casbin, the PostgreSQL rate-limit counter); the last row "
            "is the same gate with the rate limit off. Both in process over ASGI, so no network time is included.",
        ],
    )
    checks = result["recheck"]["median_s"]
    full = checks["full sign-in (connection_init)"]
    recheck_table = Table(
        f"WebSocket credential check per operation (median of {result['recheck']['runs']}, interleaved)",
        ["variant", "median", "ratio to a full sign-in"],
        [[name, _ms(value), f"{value / full:.2f}x"] for name, value in checks.items()],
        [
            "Every `subscribe` on a socket re-checks its credential: one read of the tenant's credentials version, "
            "which every token revocation and grant change bumps; a full sign-in happens only when it moved.",
        ],
    )
    lines = [
        "## Security: isolation, hostile requests, authorization overhead",
        "",
        f"Generated by `{command}` in {result['seconds']:.0f} s. The isolation sweep and the hostile requests are "
        "those of `tests/api/test_isolation.py` and `tests/api/test_hostile_requests.py`.",
        "",
        *machine.lines(),
        "",
        isolation_table.markdown(),
        hostile_table.markdown(),
        overhead_table.markdown(),
        recheck_table.markdown(),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    result = asyncio.run(measure(runs=args.runs))
    command = ".venv/bin/python -m tests.benchmarks.security" + (f" --runs {args.runs}" if args.runs != 50 else "")
    text = markdown(result, command)
    print(text)
    write_section(args.out, SECTION, text)


if __name__ == "__main__":
    main()
