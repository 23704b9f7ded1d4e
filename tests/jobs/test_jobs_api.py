"""Jobs through GraphQL: CRUD with one input each, next fires, history, Run.job and Run.trigger, permissions,
and another tenant's job found nowhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from strawberry import relay

from dvt.application.services import Services
from tests.api.conftest import GraphQLClient, http, token_for
from tests.jobs.conftest import Clock, Place, clean_up, make_place

RESULT = "__typename ... on Error { message code }"
JOB = f"""__typename ... on Job {{ id name paused cron timezone overlap misfire nextFireAt nextFires(count: 3)
  steps {{ command select commandLine }} afterJob {{ name }} afterOutcome }} {RESULT}"""
CREATE = f"""mutation($input: CreateJobInput!) {{ createJob(input: $input) {{ {JOB} }} }}"""
UPDATE = f"""mutation($input: UpdateJobInput!) {{ updateJob(input: $input) {{ {JOB} }} }}"""
PAUSE = f"""mutation($id: ID!) {{ pauseJob(input: {{jobId: $id}}) {{ {JOB} }} }}"""
RESUME = f"""mutation($id: ID!) {{ resumeJob(input: {{jobId: $id}}) {{ {JOB} }} }}"""
DELETE = f"""mutation($id: ID!) {{ deleteJob(input: {{jobId: $id}}) {{ {JOB} }} }}"""
TRIGGER = f"""mutation($id: ID!) {{ triggerJob(input: {{jobId: $id}}) {{ __typename ... on Run {{ id trigger
  job {{ name }} }} {RESULT} }} }}"""
HISTORY = (
    """query($id: ID!) { job(id: $id) { name runs(first: 10) { nodes { trigger job { name } } } fires { outcome } } }"""
)
LIST = """query($env: ID!) { jobs(environmentId: $env) { name } }"""
__all__ = ["http"]  # the API tests' fixture: an ASGI client of the real app

PREVIEW = f"""query($cron: String!, $tz: String!) {{ schedulePreview(cron: $cron, timezone: $tz, count: 5) {{
  __typename ... on SchedulePreview {{ fires }} {RESULT} }} }}"""


@pytest.fixture
async def api_place(app: Services) -> AsyncIterator[Place]:
    made = await make_place(app, Clock(datetime.now(UTC)))
    yield made
    await clean_up(made)


async def client(app: Services, place: Place, http: httpx.AsyncClient, role: str) -> GraphQLClient:
    return GraphQLClient(http, await token_for(app, place.scope, role))


def env_id(place: Place) -> str:
    return str(relay.GlobalID("Environment", str(place.environment.id)))


async def test_an_editor_creates_a_scheduled_job_and_sees_its_next_fires(
    app: Services, api_place: Place, http: httpx.AsyncClient
) -> None:
    gql = await client(app, api_place, http, "editor")
    created = (await gql.data(CREATE, input={
        "environmentId": env_id(api_place), "name": "nightly", "steps": ["build -s tag:nightly"],
        "cron": "30 2 * * *", "timezone": "Europe/Berlin", "overlap": "QUEUE",
    }))["createJob"]  # fmt: skip
    assert created["__typename"] == "Job", created
    assert (created["overlap"], created["misfire"], created["steps"][0]["commandLine"]) == (
        "QUEUE",
        "RUN_ONCE",
        "build --select tag:nightly",
    )
    assert len(created["nextFires"]) == 3 and created["nextFires"][0] == created["nextFireAt"]
    listed = await gql.data(LIST, env=env_id(api_place))
    assert [j["name"] for j in listed["jobs"]] == ["nightly"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cron": "not cron"}, "invalid cron expression"),
        ({"cron": "* * * * *", "timezone": "Nowhere/City"}, "unknown time zone"),
        ({"steps": ["deploy everything"]}, "not a dbt command"),
        ({"steps": ["source freshness"]}, "a job needs a planned step"),
    ],
)
async def test_bad_input_is_one_validation_error_and_stores_nothing(
    app: Services, api_place: Place, http: httpx.AsyncClient, values: dict[str, object], message: str
) -> None:
    gql = await client(app, api_place, http, "editor")
    answer = await gql.data(
        CREATE, input={"environmentId": env_id(api_place), "name": "bad", "steps": ["build"], **values}
    )
    assert answer["createJob"]["__typename"] == "ValidationError", answer
    assert message in answer["createJob"]["message"]
    assert (await gql.data(LIST, env=env_id(api_place)))["jobs"] == []


async def test_the_schedule_preview_answers_before_saving(
    app: Services, api_place: Place, http: httpx.AsyncClient
) -> None:
    gql = await client(app, api_place, http, "viewer")
    fine = (await gql.data(PREVIEW, cron="0 6 * * *", tz="UTC"))["schedulePreview"]
    assert len(fine["fires"]) == 5
    bad = (await gql.data(PREVIEW, cron="0 6 * * *", tz="Atlantis/Capital"))["schedulePreview"]
    assert (bad["__typename"], bad["code"]) == ("ValidationError", "VALIDATION")


async def test_a_chain_cycle_is_refused_through_update(
    app: Services, api_place: Place, http: httpx.AsyncClient
) -> None:
    gql = await client(app, api_place, http, "editor")
    a = (await gql.data(CREATE, input={"environmentId": env_id(api_place), "name": "a", "steps": ["build"]}))[
        "createJob"
    ]
    b = (await gql.data(CREATE, input={
        "environmentId": env_id(api_place), "name": "b", "steps": ["test"], "afterJobId": a["id"], "afterOutcome": "ALWAYS",
    }))["createJob"]  # fmt: skip
    assert (b["afterJob"], b["afterOutcome"]) == ({"name": "a"}, "ALWAYS")
    refused = (await gql.data(UPDATE, input={"jobId": a["id"], "afterJobId": b["id"]}))["updateJob"]
    assert refused["__typename"] == "ValidationError" and "cycle" in refused["message"]


async def test_pause_resume_trigger_history_and_delete(
    app: Services, api_place: Place, http: httpx.AsyncClient
) -> None:
    editor = await client(app, api_place, http, "editor")
    job = (await editor.data(CREATE, input={
        "environmentId": env_id(api_place), "name": "hourly", "steps": ["run -s stg_orders"], "cron": "0 * * * *",
    }))["createJob"]  # fmt: skip
    assert job["timezone"] == "UTC"
    paused = (await editor.data(PAUSE, id=job["id"]))["pauseJob"]
    assert (paused["paused"], paused["nextFireAt"], paused["nextFires"]) == (True, None, [])
    resumed = (await editor.data(RESUME, id=job["id"]))["resumeJob"]
    assert resumed["paused"] is False and resumed["nextFireAt"] is not None
    run = (await editor.data(TRIGGER, id=job["id"]))["triggerJob"]
    assert (run["__typename"], run["trigger"], run["job"]) == ("Run", "API", {"name": "hourly"})
    history = (await editor.data(HISTORY, id=job["id"]))["job"]
    assert history["runs"]["nodes"] == [{"trigger": "API", "job": {"name": "hourly"}}]
    deleted = (await editor.data(DELETE, id=job["id"]))["deleteJob"]
    assert deleted["name"] == "hourly"
    assert (await editor.data(HISTORY, id=job["id"]))["job"] is None


async def test_a_viewer_reads_jobs_but_may_not_define_or_trigger_them(
    app: Services, api_place: Place, http: httpx.AsyncClient
) -> None:
    editor = await client(app, api_place, http, "editor")
    job = (await editor.data(CREATE, input={"environmentId": env_id(api_place), "name": "j", "steps": ["build"]}))[
        "createJob"
    ]
    viewer = await client(app, api_place, http, "viewer")
    assert [j["name"] for j in (await viewer.data(LIST, env=env_id(api_place)))["jobs"]] == ["j"]
    for document, variables in ((CREATE, {"input": {"environmentId": env_id(api_place), "name": "k", "steps": ["build"]}}),
                                (PAUSE, {"id": job["id"]}), (TRIGGER, {"id": job["id"]})):  # fmt: skip
        body = await viewer(document, **variables)
        assert body.get("errors") and body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED", body
    assert [j["name"] for j in (await viewer.data(LIST, env=env_id(api_place)))["jobs"]] == ["j"]


async def test_another_tenants_job_is_not_found(app: Services, api_place: Place, http: httpx.AsyncClient) -> None:
    owner = await client(app, api_place, http, "admin")
    job = (await owner.data(CREATE, input={"environmentId": env_id(api_place), "name": "j", "steps": ["build"]}))[
        "createJob"
    ]
    other = await make_place(app, api_place.clock, ingest=False)
    try:
        stranger = await client(app, other, http, "admin")
        assert (await stranger.data(HISTORY, id=job["id"]))["job"] is None
        assert (await stranger.data(LIST, env=env_id(api_place)))["jobs"] == []
        for document in (PAUSE, DELETE, TRIGGER):
            answer = next(iter((await stranger.data(document, id=job["id"])).values()))
            assert answer["__typename"] == "NotFoundError", answer
        assert (await owner.data(HISTORY, id=job["id"]))["job"]["name"] == "j"
    finally:
        await clean_up(other)
