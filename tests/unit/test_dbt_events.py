"""Reading dbt 1.11's JSON log: real lines from `dbt build --log-format-file json`, and the tail of a growing file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dvt.adapters.dbt.events import LogFileTail, parse_log_line
from dvt.adapters.dbt.lines import LineBuffer
from dvt.adapters.secrets.redaction import REGISTRY, register

# Captured from dbt-core 1.11.16 with dbt-duckdb 1.11.1 building the demo_shop example (run 3ffca167...), and
# from a build where a model failed and its child was skipped.
MAIN_REPORT_VERSION = r'{"data": {"log_version": 3, "version": "=1.11.16"}, "info": {"category": "", "code": "A001", "extra": {}, "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721", "level": "info", "msg": "Running with dbt=1.11.16", "name": "MainReportVersion", "pid": 5951, "thread": "MainThread", "ts": "2026-11-26T03:55:25.388991Z"}}'
NODE_START = r'{"data": {"node_info": {"materialized": "seed", "meta": {}, "node_checksum": "05e52513685f1982c38540c070163e51c4a9fdbf1a56ac968725000f3010deaf", "node_finished_at": "", "node_name": "raw_customers", "node_path": "raw_customers.csv", "node_relation": {"alias": "raw_customers", "database": "demo", "relation_name": "\"demo\".\"main\".\"raw_customers\"", "schema": "main"}, "node_started_at": "2026-11-26T03:55:27.647735", "node_status": "started", "resource_type": "seed", "unique_id": "seed.demo_shop.raw_customers"}}, "info": {"category": "", "code": "Q024", "extra": {}, "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721", "level": "debug", "msg": "Began running node seed.demo_shop.raw_customers", "name": "NodeStart", "pid": 5951, "thread": "Thread-1 (worker)", "ts": "2026-11-26T03:55:27.647901Z"}}'
SEED_FINISHED = r'{"data": {"node_info": {"materialized": "seed", "meta": {}, "node_checksum": "05e52513685f1982c38540c070163e51c4a9fdbf1a56ac968725000f3010deaf", "node_finished_at": "2026-11-26T03:55:27.717490", "node_name": "raw_customers", "node_path": "raw_customers.csv", "node_relation": {"alias": "raw_customers", "database": "demo", "relation_name": "\"demo\".\"main\".\"raw_customers\"", "schema": "main"}, "node_started_at": "2026-11-26T03:55:27.647735", "node_status": "success", "resource_type": "seed", "unique_id": "seed.demo_shop.raw_customers"}, "run_result": {"adapter_response": {"_message": "INSERT 20", "code": "INSERT", "rows_affected": 20.0}, "execution_time": 0.06855202, "message": "INSERT 20", "num_failures": 0, "status": "success", "thread": "Thread-1 (worker)", "timing_info": [{"completed_at": "2026-11-26T03:55:27.649732Z", "name": "compile", "started_at": "2026-11-26T03:55:27.649725Z"}, {"completed_at": "2026-11-26T03:55:27.716882Z", "name": "execute", "started_at": "2026-11-26T03:55:27.650007Z"}]}}, "info": {"category": "", "code": "Q025", "extra": {}, "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721", "level": "debug", "msg": "Finished running node seed.demo_shop.raw_customers", "name": "NodeFinished", "pid": 5951, "thread": "Thread-1 (worker)", "ts": "2026-11-26T03:55:27.719246Z"}}'
COMMAND_COMPLETED = r'{"data": {"command": "dbt build", "completed_at": "2026-11-26T03:55:27.813490Z", "elapsed": 2.4701555, "success": true}, "info": {"category": "", "code": "Q039", "extra": {}, "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721", "level": "debug", "msg": "Command `dbt build` succeeded at 03:55:27.813490 after 2.47 seconds", "name": "CommandCompleted", "pid": 5951, "thread": "MainThread", "ts": "2026-11-26T03:55:27.813575Z"}}'
SQL_QUERY = r"""{"data": {"conn_name": "list_demo", "sql": "/* {\"app\": \"dbt\", \"dbt_version\": \"1.11.16\", \"profile_name\": \"demo_shop\", \"target_name\": \"dvt\", \"connection_name\": \"list_demo\"} */\n\n    \n    select schema_name\n    from system.information_schema.schemata\n    \n    where lower(catalog_name) = '\"demo\"'\n    \n  \n  "}, "info": {"category": "", "code": "E016", "extra": {}, "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721", "level": "debug", "msg": "On list_demo: /* {\"app\": \"dbt\", \"dbt_version\": \"1.11.16\", \"profile_name\": \"demo_shop\", \"target_name\": \"dvt\", \"connection_name\": \"list_demo\"} */\n\n    \n    select schema_name\n    from system.information_schema.schemata\n    \n    where lower(catalog_name) = '\"demo\"'\n    \n  \n  ", "name": "SQLQuery", "pid": 5951, "thread": "ThreadPoolExecutor-0_0", "ts": "2026-11-26T03:55:27.569848Z"}}"""
ERROR_FINISHED = r'{"data": {"node_info": {"materialized": "view", "meta": {}, "node_checksum": "414c4a2c99eefbf3aeee884b76ab8ba4ce5477c27b01921615f8eb6492123a41", "node_finished_at": "2026-11-26T03:55:47.928970", "node_name": "bad", "node_path": "x/bad.sql", "node_relation": {"alias": "bad", "database": "demo", "relation_name": "\"demo\".\"main\".\"bad\"", "schema": "main"}, "node_started_at": "2026-11-26T03:55:47.830241", "node_status": "error", "resource_type": "model", "unique_id": "model.demo_shop.bad"}, "run_result": {"adapter_response": {}, "execution_time": 0.09648323, "message": "Runtime Error in model bad (models/x/bad.sql)\n  Catalog Error: Table with name does_not_exist does not exist!\n  Did you mean \"pg_settings\"?\n  \n  LINE 5:     select * from does_not_exist\n                            ^^^^^^^^^^^^^^", "num_failures": 0, "status": "error", "thread": "Thread-1 (worker)", "timing_info": [{"completed_at": "2026-11-26T03:55:47.846127Z", "name": "compile", "started_at": "2026-11-26T03:55:47.834363Z"}, {"completed_at": "2026-11-26T03:55:47.904290Z", "name": "execute", "started_at": "2026-11-26T03:55:47.846568Z"}]}}, "info": {"category": "", "code": "Q025", "extra": {}, "invocation_id": "5d30ae1a-af4f-434b-ac95-95642124d2b8", "level": "debug", "msg": "Finished running node model.demo_shop.bad", "name": "NodeFinished", "pid": 6199, "thread": "Thread-1 (worker)", "ts": "2026-11-26T03:55:47.931700Z"}}'
SKIPPED_FINISHED = r'{"data": {"node_info": {"materialized": "view", "meta": {}, "node_checksum": "bb088879725417c5683e71da2b7018d5b25c227986711377fd5212162d405ca1", "node_finished_at": "", "node_name": "after_bad", "node_path": "x/after_bad.sql", "node_relation": {"alias": "after_bad", "database": "demo", "relation_name": "\"demo\".\"main\".\"after_bad\"", "schema": "main"}, "node_started_at": "2026-11-26T03:55:47.939155", "node_status": "skipped", "resource_type": "model", "unique_id": "model.demo_shop.after_bad"}, "run_result": {"adapter_response": {}, "execution_time": 0.0, "message": "", "num_failures": 0, "status": "skipped", "thread": "Thread-4 (worker)", "timing_info": []}}, "info": {"category": "", "code": "Q025", "extra": {}, "invocation_id": "5d30ae1a-af4f-434b-ac95-95642124d2b8", "level": "debug", "msg": "Finished running node model.demo_shop.after_bad", "name": "NodeFinished", "pid": 6199, "thread": "Thread-4 (worker)", "ts": "2026-11-26T03:55:47.939993Z"}}'
FAILED_COMMAND = r'{"data": {"command": "dbt build", "completed_at": "2026-11-26T03:55:48.082800Z", "elapsed": 2.5514588, "success": false}, "info": {"category": "", "code": "Q039", "extra": {}, "invocation_id": "5d30ae1a-af4f-434b-ac95-95642124d2b8", "level": "debug", "msg": "Command `dbt build` failed at 03:55:48.082800 after 2.55 seconds", "name": "CommandCompleted", "pid": 6199, "thread": "MainThread", "ts": "2026-11-26T03:55:48.082870Z"}}'


def test_main_report_version_starts_the_invocation() -> None:
    event = parse_log_line(MAIN_REPORT_VERSION).event
    assert event is not None
    assert event.kind == "invocation_started"
    assert event.at == datetime(2026, 11, 26, 3, 55, 25, 388991, tzinfo=UTC)
    assert event.data == {
        "invocation_id": "3ffca167-f639-4d1d-a480-dac4442db721",
        "pid": 5951,
        "dbt_version": "1.11.16",
    }


def test_node_start() -> None:
    event = parse_log_line(NODE_START).event
    assert event is not None
    assert (event.kind, event.unique_id, event.status) == ("node_started", "seed.demo_shop.raw_customers", "running")
    assert event.data["resource_type"] == "seed"
    assert event.data["relation_name"] == '"demo"."main"."raw_customers"'


def test_node_finished_carries_status_timing_and_adapter_response() -> None:
    event = parse_log_line(SEED_FINISHED).event
    assert event is not None
    assert (event.kind, event.unique_id, event.status) == ("node_finished", "seed.demo_shop.raw_customers", "success")
    assert event.message == "INSERT 20"
    assert event.data["rows_affected"] == 20
    assert event.data["adapter_response"] == {"_message": "INSERT 20", "code": "INSERT", "rows_affected": 20.0}
    assert event.data["query_id"] is None  # duckdb has none; Snowflake's adapter_response has one
    assert [step["name"] for step in event.data["timing"]] == ["compile", "execute"]
    assert event.data["execution_time"] == 0.06855202
    assert event.data["finished_at"] == "2026-11-26T03:55:27.717490"


def test_a_failed_node_carries_dbt_s_error_message() -> None:
    event = parse_log_line(ERROR_FINISHED).event
    assert event is not None
    assert (event.unique_id, event.status) == ("model.demo_shop.bad", "error")
    assert event.message.startswith("Runtime Error in model bad")
    assert event.data["rows_affected"] is None


def test_a_skipped_node_finishes_with_status_skipped() -> None:
    event = parse_log_line(SKIPPED_FINISHED).event
    assert event is not None
    assert (event.kind, event.unique_id, event.status) == ("node_finished", "model.demo_shop.after_bad", "skipped")
    assert event.data["timing"] == []


def test_command_completed_finishes_the_invocation() -> None:
    succeeded = parse_log_line(COMMAND_COMPLETED).event
    failed = parse_log_line(FAILED_COMMAND).event
    assert succeeded is not None and failed is not None
    assert (succeeded.kind, succeeded.status, succeeded.data["success"]) == ("invocation_finished", "success", True)
    assert (failed.kind, failed.status, failed.data["command"]) == ("invocation_finished", "error", "dbt build")


def test_other_lines_are_text_only_and_a_multi_line_message_stays_whole() -> None:
    parsed = parse_log_line(SQL_QUERY)
    assert parsed.event is None
    assert (
        parsed.text[0]
        == '03:55:27.569848 [debug] [ThreadPoolExecutor-0_0]: On list_demo: /* {"app": "dbt", "dbt_version": "1.11.16", "profile_name": "demo_shop", "target_name": "dvt", "connection_name": "list_demo"} */'
    )
    assert "    from system.information_schema.schemata" in parsed.text


def test_a_line_that_is_not_dbt_json_is_kept_as_it_is() -> None:
    assert parse_log_line("Traceback (most recent call last):").text == ["Traceback (most recent call last):"]
    assert parse_log_line('{"info": 1}').event is None


def test_event_messages_are_redacted() -> None:
    register("INSERT 20")  # stands in for a secret value dbt echoed into a result message
    try:
        event = parse_log_line(SEED_FINISHED).event
    finally:
        REGISTRY.forget("INSERT 20")
    assert event is not None
    assert event.message == "[redacted]"


def test_line_buffer_holds_a_partial_line_until_its_newline() -> None:
    lines = LineBuffer()
    assert lines.feed(b"first\nsec") == ["first"]
    assert lines.feed(b"ond") == []
    assert lines.feed(b"\n\xc3") == ["second"]  # a character split between two chunks
    assert lines.feed(b"\xa9t\xc3\xa9\r\n") == ["été"]
    assert lines.feed(b"no newline") == []
    assert lines.finish() == ["no newline"]
    assert lines.finish() == []


def test_tail_reads_only_whole_lines_of_a_growing_file(tmp_path: Path) -> None:
    path = tmp_path / "dbt.log"
    tail = LogFileTail(path)
    assert tail.read_lines() == []  # dbt has not created it yet
    half = len(NODE_START) // 2
    with path.open("w") as log:
        log.write(MAIN_REPORT_VERSION + "\n" + NODE_START[:half])
        log.flush()
        assert tail.read_lines() == [MAIN_REPORT_VERSION]
        log.write(NODE_START[half:] + "\n" + SEED_FINISHED[:10])
        log.flush()
        lines = tail.read_lines()
        assert lines == [NODE_START]
        assert parse_log_line(lines[0]).event is not None
        assert tail.read_lines() == []
    assert tail.finish() == [SEED_FINISHED[:10]]  # what a killed dbt left half-written
