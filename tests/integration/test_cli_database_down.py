"""The CLI against a PostgreSQL that is down: one line naming the cause and exit code 1, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from tests.integration.test_cli import run
from tests.support.server import free_port


def test_a_command_against_a_database_that_is_down_is_one_line_on_stderr(tmp_path: Path) -> None:
    env = {**os.environ, "DVT_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/dvt"}
    done = run(env | {"DVT_DATA_DIR": str(tmp_path / "data")}, "tenant", "list")
    assert done.returncode == 1 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("error: the database is unavailable: try again shortly (connect:")
    assert "ConnectionRefusedError" in done.stderr
