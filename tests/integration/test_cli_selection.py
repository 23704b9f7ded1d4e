"""`dvt plan` and `dvt run` refuse a selection dbt could read as an option, in one line (issue 11, D1)."""

from __future__ import annotations

import pytest

from tests.integration.test_cli import JAFFLE, as_json, env, run, tenant

__all__ = ["env", "tenant"]  # the fixtures, shared with the other CLI tests


@pytest.mark.parametrize("command", ["plan", "run"])
@pytest.mark.parametrize(
    ("option", "named"),
    [("--select=--project-dir=/srv/other", "'--project-dir=/srv/other'"), ("--exclude=--empty", "'--empty'"),
     ("--select=orders customers", "'orders customers'")],
)  # fmt: skip
def test_an_option_like_selection_is_one_line_naming_it(
    env: dict[str, str], tenant: str, command: str, option: str, named: str
) -> None:
    manifest = str(JAFFLE / "manifest_1.12__v12__jaffle_shop.json")
    as_json(run(env, "ingest", manifest, "--project", "j", "--environment", "e", "--tenant", tenant, "--json"))
    done = run(env, command, "--project", "j", "--environment", "e", "-s", "orders", option, "--tenant", tenant)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr, done.stderr
