"""A job's schedule: a cron expression read in an IANA time zone, and the instants it fires at.

The cron library (croniter, docs/decisions/0009-cron-schedules.md) walks wall-clock times; this module maps
them to instants, so daylight saving time is decided here, once, and tested on a fixed clock:

- a wall time the clock skips (02:30 on a spring-forward night) fires at the instant the clock jumps (03:00),
  once: several skipped times (every 15 minutes) collapse into that one fire;
- a wall time the clock shows twice (02:30 on a fall-back night) fires once, at its first showing.

Every time a schedule produces is strictly later than the one before, so each occurrence is one instant, which
is what `job_fires`' unique (job, fire_at) relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

from dvt.domain.errors import ValidationError

MAX_CRON_CHARS = 200
MAX_STEPS = 10_000  # a walk over wall times gives up past this many (an expression that never matches)


@dataclass(frozen=True, slots=True)
class Schedule:
    cron: str
    timezone: str

    @classmethod
    def of(cls, cron: str, timezone: str) -> Schedule:
        """The schedule, checked: five cron fields croniter reads, and a time zone the tz database knows."""
        cron = " ".join(cron.split())
        if not cron or len(cron) > MAX_CRON_CHARS or len(cron.split(" ")) != 5:
            raise ValidationError(
                f"invalid cron expression {cron!r}: use five fields (minute hour day-of-month month day-of-week)"
            )
        if not croniter.is_valid(cron):
            raise ValidationError(f"invalid cron expression {cron!r}")
        zone(timezone)
        schedule = cls(cron, timezone)
        if not schedule.next_fires(datetime(2000, 1, 1, tzinfo=UTC), 1):  # 30 February: never fires
            raise ValidationError(f"cron expression {cron!r} never fires")
        return schedule

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)

    def next_fires(self, after: datetime, count: int) -> list[datetime]:
        """The first `count` fire instants strictly after `after` (UTC)."""
        found: list[datetime] = []
        for instant in self._walk(after):
            found.append(instant)
            if len(found) == count:
                break
        return found

    def next_after(self, after: datetime) -> datetime | None:
        fires = self.next_fires(after, 1)
        return fires[0] if fires else None

    def latest_until(self, now: datetime, since: datetime) -> datetime | None:
        """The last fire instant in [since, now], or None: what a job fires once for after downtime.

        Walked backwards from `now`, so a month of missed minutes costs one step, not forty thousand."""
        tz = self.zone
        shown = now.astimezone(tz)
        # In the second showing of a repeated hour, its wall times fired at their first showing: start an hour
        # later in wall time (instants past `now` are stepped over).
        ahead = timedelta(hours=1) if shown.fold else timedelta(seconds=1)
        walk = croniter(self.cron, shown.replace(tzinfo=None) + ahead)
        for _ in range(MAX_STEPS):
            try:
                wall: datetime = walk.get_prev(datetime)
            except CroniterError:
                return None
            instant = instant_of(wall, tz)
            if instant <= now:
                return instant if instant >= since else None
        return None

    def _walk(self, after: datetime) -> Iterator[datetime]:
        tz = self.zone
        shown = after.astimezone(tz)
        local = shown.replace(tzinfo=None)
        if shown.fold:  # in the second showing of a repeated hour: its wall times came once already
            local -= timedelta(hours=1)  # (the filter below drops those that are not strictly later)
        walk = croniter(self.cron, local)
        last = after
        for _ in range(MAX_STEPS):
            try:
                wall: datetime = walk.get_next(datetime)
            except CroniterError:  # no further date (30 February): the schedule ends
                return
            instant = instant_of(wall, tz)
            if instant > last:
                last = instant
                yield instant


def zone(name: str) -> ZoneInfo:
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        raise ValidationError(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin or UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin or UTC") from None


def instant_of(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant a naive wall time in `tz` fires at: its first showing, or the jump past a skipped time."""
    first = wall.replace(tzinfo=tz, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant  # it exists (its first showing, when repeated)
    # Skipped by a spring-forward: fire when the clock jumps, the first instant whose wall time is past it.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)  # read with the offset after the jump: before it
    high = instant  # read with the offset before the jump: after it
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) < wall:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)
