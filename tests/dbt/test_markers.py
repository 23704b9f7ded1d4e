"""The markers tests/conftest.py gives by folder: a test put here is a dbt test without saying so."""

from __future__ import annotations

import pytest


def test_a_test_in_tests_dbt_is_marked_dbt_and_nothing_else(request: pytest.FixtureRequest) -> None:
    assert {m.name for m in request.node.iter_markers()} & {"dbt", "browser", "slow"} == {"dbt"}
