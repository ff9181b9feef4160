"""Working-time arithmetic on a weekly timetable with public holidays and make-up workdays.

Pure Python (stdlib, zoneinfo, lazily `holidays`): the SLA engine turns targets into due times.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_WEEK", "MAX_SCAN_DAYS", "WorkingCalendar"]

Interval = tuple[time, time]
Week = Mapping[int, Sequence[Interval]]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)
_MIDNIGHT = time(0)

# Bounds every search for an opening: a calendar that is closed for ten years (every future
# day a holiday, or workdays that have run out) raises instead of looping forever.
MAX_SCAN_DAYS = 3660

# Per-calendar cache of each local date's UTC intervals: SLA sweeps compute many due times
# around the same few weeks. Cleared when full rather than evicted, which keeps it simple.
_DAY_CACHE_SIZE = 8192

_MON_FRI = range(5)

# The product's default working week (requirements 7): Monday-Friday 09:00-12:00 and
# 13:00-18:00, an 8-hour day with a lunch break.
DEFAULT_WEEK: Mapping[int, tuple[Interval, ...]] = MappingProxyType(
    {weekday: ((time(9), time(12)), (time(13), time(18))) for weekday in _MON_FRI}
)

_ALWAYS_OPEN_WEEK: Mapping[int, tuple[Interval, ...]] = MappingProxyType(
    {weekday: ((_MIDNIGHT, _MIDNIGHT),) for weekday in range(7)}
)


def _length(start: time, end: time) -> timedelta:
    """Nominal (wall-clock) length of a local interval; an end of time(0) is 24:00."""
    start_offset = timedelta(
        hours=start.hour, minutes=start.minute, seconds=start.second, microseconds=start.microsecond
    )
    if end == _MIDNIGHT:
        return _ONE_DAY - start_offset
    end_offset = timedelta(
        hours=end.hour, minutes=end.minute, seconds=end.second, microseconds=end.microsecond
    )
    return end_offset - start_offset


def _validated_day(weekday: object, intervals: Sequence[Interval]) -> tuple[Interval, ...]:
    if isinstance(weekday, bool) or not isinstance(weekday, int):
        raise TypeError(f"weekday must be an integer 0 (Monday) to 6 (Sunday), got {weekday!r}")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be an integer 0 (Monday) to 6 (Sunday), got {weekday!r}")
    checked: list[Interval] = []
    for interval in intervals:
        if len(interval) != 2:
            raise ValueError(f"weekday {weekday}: an interval is a (start, end) pair: {interval!r}")
        start, end = interval
        for bound in (start, end):
            if not isinstance(bound, time):
                raise TypeError(f"weekday {weekday}: interval bounds must be times, got {bound!r}")
            if bound.tzinfo is not None:
                raise ValueError(
                    f"weekday {weekday}: interval bounds must be naive datetime.time values "
                    f"in the calendar's local time, got {bound!r}"
                )
        if _length(start, end) <= _ZERO:
            raise ValueError(
                f"weekday {weekday}: interval {start}-{end} must start before it ends "
                "(an end of 00:00 means midnight at the end of the day)"
            )
        checked.append((start.replace(fold=0), end.replace(fold=0)))
    checked.sort()
    merged: list[Interval] = []
    for start, end in checked:
        if merged:
            previous_start, previous_end = merged[-1]
            if previous_end == _MIDNIGHT or start < previous_end:
                raise ValueError(
                    f"weekday {weekday}: intervals {previous_start}-{previous_end} and "
                    f"{start}-{end} overlap"
                )
            if start == previous_end:
                # Touching intervals are one stretch of work; merging keeps arithmetic simple.
                merged[-1] = (previous_start, end)
                continue
        merged.append((start, end))
    return tuple(merged)


def _validated_dates(dates: Collection[date], name: str) -> frozenset[date]:
    for day in dates:
        # datetime is a subclass of date but never equals one, so it would silently not match.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"{name} must contain datetime.date values, got {day!r}")
    return frozenset(dates)


def _require_aware(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class WorkingCalendar:
    """A time zone, weekly working intervals, holidays and make-up workdays.

    All instants returned are aware UTC datetimes; all instants accepted must be aware.
    Rules every method follows:

    - Working intervals are given in local time and measured in real elapsed (UTC) time between
      their aware local boundaries, so 09:00-17:00 lasts 8 h on a DST change day and a
      00:00-04:00 interval lasts 3 h when the clocks spring forward and 5 h when they fall back.
      A boundary inside a spring-forward gap is the instant the clocks jump; a boundary in the
      repeated fall-back hour is its first occurrence (fold=0).
    - An interval end of ``time(0)`` means midnight at the end of the day (24:00), so
      ``(time(0), time(0))`` is the whole day.
    - A make-up workday (a weekend date worked by official adjustment) has the hours of the
      "ordinary weekday": the Monday-Friday weekday with the most working time, the earliest on
      a tie (all seven days are considered only if Monday-Friday have none). ``business_day`` is
      that weekday's length, so "3 business days" is 24 working hours on the default week.
    - Cost grows with the local days spanned, never with minutes: days are walked one at a time
      and a whole week with no holiday, no workday and no UTC offset change is skipped at once.
    - Bad input raises, never falls back silently: TypeError for a value of the wrong type,
      ValueError for the rest: naive datetimes, negative
      durations, ``between`` with end before start, and at construction an unknown zone, a
      weekday outside 0-6, reversed or overlapping intervals, a week with no working time, or a
      date both holiday and workday. A search that finds no opening within MAX_SCAN_DAYS
      days also raises.
    """

    def __init__(
        self,
        tz: str,
        week: Week,
        holidays: Collection[date] = (),
        workdays: Collection[date] = (),
    ) -> None:
        try:
            self._zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise ValueError(f"unknown time zone: {tz!r}") from error
        self.tz = tz

        days = {weekday: _validated_day(weekday, intervals) for weekday, intervals in week.items()}
        self._week: tuple[tuple[Interval, ...], ...] = tuple(days.get(d, ()) for d in range(7))
        self._weekday_lengths = tuple(
            sum((_length(start, end) for start, end in intervals), _ZERO)
            for intervals in self._week
        )
        self._week_length = sum(self._weekday_lengths, _ZERO)
        if self._week_length <= _ZERO:
            # Make-up workdays borrow weekday hours, so an empty week has none to give them.
            raise ValueError("calendar has no working time: the week has no working intervals")

        self.holidays = _validated_dates(holidays, "holidays")
        self.workdays = _validated_dates(workdays, "workdays")
        both = self.holidays & self.workdays
        if both:
            listed = ", ".join(str(day) for day in sorted(both))
            raise ValueError(f"dates cannot be both holidays and workdays: {listed}")

        candidates = _MON_FRI if any(self._weekday_lengths[d] for d in _MON_FRI) else range(7)
        # max() keeps the first of equal lengths, so ties go to the earliest weekday.
        self._ordinary_weekday = max(candidates, key=lambda d: self._weekday_lengths[d])
        self._special_dates = sorted(self.holidays | self.workdays)
        self._always_open = not self.holidays and all(
            intervals == ((_MIDNIGHT, _MIDNIGHT),) for intervals in self._week
        )
        self._day_cache: dict[date, tuple[tuple[tuple[datetime, datetime], ...], timedelta]] = {}

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def always_open(cls, tz: str = "UTC") -> WorkingCalendar:
        """24x7: working time equals elapsed time (requirements 7, "calendar time")."""
        return cls(tz, _ALWAYS_OPEN_WEEK)

    @classmethod
    def for_country(
        cls, country: str, years: Iterable[int], tz: str, week: Week = DEFAULT_WEEK
    ) -> WorkingCalendar:
        """Public holidays and official make-up workdays of `country` for `years`.

        Dates outside `years` are ordinary days of the week: build the calendar for every
        year a clock can reach (e.g. this year and the next).
        """
        import holidays as holidays_package  # lazy: a heavy import most callers never need

        wanted = sorted(set(years))
        if not wanted:
            raise ValueError("for_country needs at least one year")
        try:
            public = holidays_package.country_holidays(country, years=wanted)
        except NotImplementedError as error:
            raise ValueError(f"no holiday data for country {country!r}") from error
        # Only China-style calendars have make-up days; the set also holds dates from years
        # the package knows as special cases (e.g. 2001), hence the filter.
        make_up = getattr(public, "weekend_workdays", None) or ()
        workdays = {day for day in make_up if day.year in wanted}
        return cls(tz, week, holidays=set(public.keys()), workdays=workdays)

    # --- properties ---------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    @property
    def week(self) -> Mapping[int, tuple[Interval, ...]]:
        """The validated week: weekday -> sorted, merged local intervals (working days only)."""
        return MappingProxyType({d: spans for d, spans in enumerate(self._week) if spans})

    @property
    def business_day(self) -> timedelta:
        """Length of an ordinary working day: the longest Monday-Friday weekday (8 h default)."""
        return self._weekday_lengths[self._ordinary_weekday]

    @property
    def is_always_open(self) -> bool:
        return self._always_open

    def __repr__(self) -> str:
        hours = self._week_length / timedelta(hours=1)
        return (
            f"<WorkingCalendar {self.tz} {hours:g} h a week, "
            f"{len(self.holidays)} holidays, {len(self.workdays)} workdays>"
        )

    # --- public arithmetic --------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has elapsed since `start` (aware UTC).

        Counting starts at the next opening if `start` is outside working hours. A zero
        duration returns `start` itself (in UTC): a zero target is due immediately. The result
        is the earliest such instant, so a target that ends with an interval is due at its end
        (09:00 + 3 h is 12:00, not 13:00).
        """
        cursor = _require_aware(start, "start")
        if not isinstance(duration, timedelta):
            raise TypeError(f"duration must be a timedelta, got {duration!r}")
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration}")
        if duration == _ZERO:
            return cursor
        if self._always_open:
            return cursor + duration

        remaining = duration
        day = self._local_date(cursor)
        idle_days = 0
        while True:
            intervals, _ = self._day(day)
            for interval_start, interval_end in intervals:
                if interval_end <= cursor:
                    continue
                counted_from = max(interval_start, cursor)
                available = interval_end - counted_from
                if remaining <= available:
                    return counted_from + remaining
                remaining -= available
            idle_days = 0 if intervals else idle_days + 1
            if idle_days > MAX_SCAN_DAYS:
                raise ValueError(f"no working time within {MAX_SCAN_DAYS} days of {day}")
            day += _ONE_DAY
            # Strictly greater: a target ending exactly with a week must be found day by day.
            while remaining > self._week_length and self._is_ordinary_week(day):
                remaining -= self._week_length
                day += _ONE_WEEK
                idle_days = 0

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end). Raises ValueError if end is before start."""
        start_utc = _require_aware(start, "start")
        end_utc = _require_aware(end, "end")
        if end_utc < start_utc:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        if end_utc == start_utc:
            return _ZERO
        if self._always_open:
            return end_utc - start_utc

        first_day = self._local_date(start_utc)
        last_day = self._local_date(end_utc)
        total = self._overlap(first_day, start_utc, end_utc)
        day = first_day + _ONE_DAY
        while day < last_day:
            if day + _ONE_WEEK <= last_day and self._is_ordinary_week(day):
                total += self._week_length
                day += _ONE_WEEK
            else:
                total += self._day(day)[1]
                day += _ONE_DAY
        if last_day > first_day:
            total += self._overlap(last_day, start_utc, end_utc)
        return total

    def is_working(self, at: datetime) -> bool:
        moment = _require_aware(at, "at")
        if self._always_open:
            return True
        intervals, _ = self._day(self._local_date(moment))
        return any(start <= moment < end for start, end in intervals)

    def next_opening(self, at: datetime) -> datetime:
        """`at` (in UTC) if it is working time, else the start of the next working interval."""
        moment = _require_aware(at, "at")
        if self._always_open:
            return moment
        day = self._local_date(moment)
        for _ in range(MAX_SCAN_DAYS):
            for start, end in self._day(day)[0]:
                if end > moment:
                    return max(start, moment)
            day += _ONE_DAY
        raise ValueError(f"no working time within {MAX_SCAN_DAYS} days of {at.isoformat()}")

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals within [start, end) as UTC pairs, touching ones merged."""
        start_utc = _require_aware(start, "start")
        end_utc = _require_aware(end, "end")
        if end_utc < start_utc:
            raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
        if end_utc == start_utc:
            return
        if self._always_open:
            yield start_utc, end_utc
            return
        pending: tuple[datetime, datetime] | None = None
        day = self._local_date(start_utc)
        last_day = self._local_date(end_utc)
        while day <= last_day:
            for interval_start, interval_end in self._day(day)[0]:
                clipped_start = max(interval_start, start_utc)
                clipped_end = min(interval_end, end_utc)
                if clipped_start >= clipped_end:
                    continue
                if pending is not None and pending[1] == clipped_start:
                    pending = (pending[0], clipped_end)
                    continue
                if pending is not None:
                    yield pending
                pending = (clipped_start, clipped_end)
            day += _ONE_DAY
        if pending is not None:
            yield pending

    # --- internals ----------------------------------------------------------------------------

    def _local_date(self, moment: datetime) -> date:
        return moment.astimezone(self._zone).date()

    def _to_utc(self, local: datetime) -> datetime:
        """The UTC instant of a naive local wall time (see the module docstring for gaps)."""
        first = local.replace(tzinfo=self._zone)
        before = first.utcoffset()
        after = local.replace(tzinfo=self._zone, fold=1).utcoffset()
        assert before is not None and after is not None
        instant = (local - before).replace(tzinfo=UTC)
        if after <= before:
            # An ordinary wall time, or the first pass of the repeated fall-back hour.
            return instant
        # In a spring-forward gap fold=0 reads the time with the old offset, which lands past
        # the jump and would make later boundaries map earlier ones; use the jump itself.
        # It lies in [local - after, local - before]; tzdata transitions fall on whole seconds.
        low = (local - after).replace(tzinfo=UTC, microsecond=0)
        high = instant.replace(microsecond=0)
        if high < instant:
            high += timedelta(seconds=1)
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
            if middle.astimezone(self._zone).utcoffset() == after:
                high = middle
            else:
                low = middle
        return high

    def _hours_of(self, day: date) -> tuple[Interval, ...]:
        if day in self.holidays:
            return ()
        if day in self.workdays:
            return self._week[self._ordinary_weekday]
        return self._week[day.weekday()]

    def _day(self, day: date) -> tuple[tuple[tuple[datetime, datetime], ...], timedelta]:
        """A local date's working intervals in UTC and their total real length."""
        cached = self._day_cache.get(day)
        if cached is not None:
            return cached
        intervals = []
        total = _ZERO
        for start, end in self._hours_of(day):
            start_utc = self._to_utc(datetime.combine(day, start))
            end_local = datetime.combine(day + _ONE_DAY if end == _MIDNIGHT else day, end)
            end_utc = self._to_utc(end_local)
            # A short interval wholly inside a DST gap does not happen in real time.
            if end_utc > start_utc:
                intervals.append((start_utc, end_utc))
                total += end_utc - start_utc
        result = (tuple(intervals), total)
        if len(self._day_cache) >= _DAY_CACHE_SIZE:
            self._day_cache.clear()
        self._day_cache[day] = result
        return result

    def _overlap(self, day: date, start: datetime, end: datetime) -> timedelta:
        total = _ZERO
        for interval_start, interval_end in self._day(day)[0]:
            overlap = min(interval_end, end) - max(interval_start, start)
            if overlap > _ZERO:
                total += overlap
        return total

    def _is_ordinary_week(self, first_day: date) -> bool:
        """Whether the seven days from `first_day` hold exactly the nominal weekly hours.

        True when none of them is a holiday or workday and the UTC offset is the same at both
        ends (no zone changes its offset and back within a week).
        """
        index = bisect.bisect_left(self._special_dates, first_day)
        if index < len(self._special_dates) and self._special_dates[index] < first_day + _ONE_WEEK:
            return False
        opening = datetime.combine(first_day, _MIDNIGHT, tzinfo=self._zone).utcoffset()
        closing = datetime.combine(first_day + _ONE_WEEK, _MIDNIGHT, tzinfo=self._zone).utcoffset()
        return opening == closing
