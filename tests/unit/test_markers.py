"""The markers tests/conftest.py gives by folder: a unit test gets none of them (tests/dbt has the other half)."""

from __future__ import annotations

import pytest


def test_a_unit_test_is_neither_dbt_nor_browser_nor_slow(request: pytest.FixtureRequest) -> None:
    assert {m.name for m in request.node.iter_markers()} & {"dbt", "browser", "slow"} == set()
