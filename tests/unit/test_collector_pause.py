"""Pausing the garbage collector around ingestion without trampling anyone else's setting."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from dvt.application.ingest import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_nested_pauses_resume_only_when_the_last_one_ends() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_the_collector_resumes_when_the_ingestion_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("bad manifest")
    assert gc.isenabled()
