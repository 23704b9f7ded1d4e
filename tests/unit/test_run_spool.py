"""A run's spool on the worker's disk: reports kept in order until delivered, and the mark survives a reopen."""

from __future__ import annotations

from pathlib import Path

from dvt.application.run_sink import DatabaseContact
from dvt.application.run_spool import RunSpool


def test_reports_come_back_in_order_in_batches_until_each_batch_is_delivered(tmp_path: Path) -> None:
    spool = RunSpool(tmp_path / "spool" / "reports.jsonl")
    for n in range(5):
        spool.add({"t": "event", "key": f"k{n}"})
    first, mark = spool.next_batch(3)
    assert [e["key"] for e in first] == ["k0", "k1", "k2"]
    assert [e["key"] for e in spool.next_batch(3)[0]] == ["k0", "k1", "k2"]  # not delivered: offered again
    spool.delivered(mark)
    rest, mark = spool.next_batch(10)
    assert [e["key"] for e in rest] == ["k3", "k4"]
    spool.delivered(mark)
    assert not spool.owed
    spool.close(remove=True)
    assert not list((tmp_path / "spool").iterdir())


def test_what_is_owed_is_still_owed_after_the_spool_is_reopened(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    spool = RunSpool(path)
    spool.add({"t": "log", "stream": "stdout", "lines": ["a"]})
    spool.add({"t": "log", "stream": "stdout", "lines": ["b"]})
    spool.delivered(spool.next_batch(1)[1])
    spool.close(remove=False)
    again = RunSpool(path)
    try:
        assert again.owed and again.next_batch(10)[0] == [{"t": "log", "stream": "stdout", "lines": ["b"]}]
    finally:
        again.close(remove=False)


def test_contact_counts_from_the_moment_the_database_was_regained() -> None:
    now = [100.0]
    contact = DatabaseContact(lambda: now[0])
    now[0] = 150.0
    assert contact.seconds() == 50.0
    contact.lost()
    assert contact.seconds() == 0.0
    now[0] = 200.0
    contact.reached()
    now[0] = 205.0
    assert contact.seconds() == 5.0
