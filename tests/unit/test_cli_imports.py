"""`dvt --help` stays a cold start of the CLI alone: the server stack is imported only by a command that runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[2] / "backend"
# pydantic itself is not listed: Typer imports it to coerce a command's options. Settings (pydantic_settings),
# the database, the queue, the API and Rich's help rendering must wait for a command to run.
SERVER_STACK = (
    "strawberry",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "asyncpg",
    "pydantic_settings",
    "procrastinate",
    "rich",
)

# Parse the arguments as the `dvt` entry point does, then report which top-level packages got imported.
PROBE = """
import json, sys
sys.argv = ["dvt", *sys.argv[1:]]
import dvt.cli
try:
    dvt.cli.main()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_after(*arguments: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": f"{BACKEND}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("arguments", [("--help",), ("plan", "--help"), ("tenant", "--help"), ("no-such-command",)])
def test_help_and_usage_errors_import_no_server_stack(arguments: tuple[str, ...]) -> None:
    assert imported_after(*arguments).isdisjoint(SERVER_STACK)


def test_the_probe_sees_the_server_stack_when_a_command_needs_it() -> None:
    # The same probe on a command that needs the API must see it, or the test above proves nothing.
    assert "strawberry" in imported_after("export-schema")
