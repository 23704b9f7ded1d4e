"""Schedules on a fixed clock: cron in a time zone, daylight saving time, previews, refusals."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from dvt.application.jobs import preview
from dvt.application.schedules import Schedule
from dvt.domain.errors import ValidationError

BERLIN = "Europe/Berlin"


def local(instants: list[datetime], zone: str = BERLIN) -> list[str]:
    return [i.astimezone(Schedule("* * * * *", zone).zone).isoformat() for i in instants]


def test_a_daily_0230_job_fires_once_on_the_spring_forward_day_when_the_clock_jumps() -> None:
    fires = Schedule.of("30 2 * * *", BERLIN).next_fires(datetime(2026, 3, 28, 12, tzinfo=UTC), 3)
    assert local(fires) == [
        "2026-03-29T03:00:00+02:00",  # 02:30 does not exist that night: the fire comes as the clock jumps
        "2026-03-30T02:30:00+02:00",
        "2026-03-31T02:30:00+02:00",
    ]


def test_a_daily_0230_job_fires_once_on_the_fall_back_day_at_the_first_0230() -> None:
    fires = Schedule.of("30 2 * * *", BERLIN).next_fires(datetime(2026, 10, 24, 12, tzinfo=UTC), 3)
    assert local(fires) == ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00", "2026-10-27T02:30:00+01:00"]


def test_during_the_repeated_hour_the_0230_that_already_fired_does_not_fire_again() -> None:
    second_0210 = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 CET, the hour's second showing
    fires = Schedule.of("30 2 * * *", BERLIN).next_fires(second_0210, 1)
    assert local(fires) == ["2026-10-26T02:30:00+01:00"]


def test_skipped_quarter_hours_collapse_into_one_fire_at_the_jump() -> None:
    fires = Schedule.of("*/15 * * * *", BERLIN).next_fires(datetime(2026, 3, 29, 0, 50, tzinfo=UTC), 3)
    assert local(fires) == ["2026-03-29T03:00:00+02:00", "2026-03-29T03:15:00+02:00", "2026-03-29T03:30:00+02:00"]


def test_every_fire_is_strictly_later_than_the_one_before_across_both_transitions() -> None:
    schedule = Schedule.of("*/10 * * * *", BERLIN)
    for start in (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 10, 24, 23, tzinfo=UTC)):
        fires = schedule.next_fires(start, 40)
        assert all(a < b for a, b in itertools.pairwise(fires))
        assert len(set(fires)) == 40


def test_the_preview_shows_the_next_five_fires_in_order() -> None:
    fires = preview("0 6 * * 1-5", "UTC", 5, datetime(2026, 3, 20, 7, tzinfo=UTC))  # a Friday
    assert [f.isoformat() for f in fires] == [
        "2026-03-23T06:00:00+00:00",
        "2026-03-24T06:00:00+00:00",
        "2026-03-25T06:00:00+00:00",
        "2026-03-26T06:00:00+00:00",
        "2026-03-27T06:00:00+00:00",
    ]


def test_the_latest_missed_occurrence_is_found_after_a_long_downtime() -> None:
    schedule = Schedule.of("* * * * *", "UTC")
    since = datetime(2026, 1, 1, tzinfo=UTC)
    now = datetime(2026, 2, 15, 10, 30, 42, tzinfo=UTC)  # 45 days of minutes later
    assert schedule.latest_until(now, since) == datetime(2026, 2, 15, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "zone", "message"),
    [
        ("61 * * * *", "UTC", "invalid cron expression"),
        ("* * * *", "UTC", "invalid cron expression"),
        ("every day", "UTC", "invalid cron expression"),
        ("0 0 30 2 *", "UTC", "never fires"),
        ("* * * * *", "Mars/Olympus", "unknown time zone"),
        ("* * * * *", "../../etc/passwd", "unknown time zone"),
    ],
)
def test_bad_schedules_are_refused_with_one_clear_error(cron: str, zone: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Schedule.of(cron, zone)
