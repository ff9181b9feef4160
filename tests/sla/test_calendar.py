"""Working-calendar arithmetic (requirements 7): hours, holidays, make-up days, DST, bad input.

Pure Python: no database, no Django settings needed.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.sla.calendar import DEFAULT_WEEK, MAX_SCAN_DAYS, WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

HOUR = timedelta(hours=1)
EVERY_DAY_NINE_TO_FIVE = {weekday: [(time(9), time(17))] for weekday in range(7)}
WHOLE_DAY = [(time(0), time(0))]


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


@pytest.fixture(scope="module")
def china() -> WorkingCalendar:
    """The product default: Mon-Fri 09:00-12:00, 13:00-18:00 Shanghai, China's calendar."""
    return WorkingCalendar.for_country("CN", [2026, 2027], "Asia/Shanghai")


@pytest.fixture(scope="module")
def plain_shanghai() -> WorkingCalendar:
    return WorkingCalendar("Asia/Shanghai", DEFAULT_WEEK)


# --- the default week -----------------------------------------------------------------------


def test_default_week_is_monday_to_friday_nine_to_six_with_a_lunch_break():
    assert dict(DEFAULT_WEEK) == {
        weekday: ((time(9), time(12)), (time(13), time(18))) for weekday in range(5)
    }


def test_three_business_days_are_24_working_hours_on_the_default_calendar(china):
    # requirements 7: one business day is an ordinary working day, 8 h by default
    assert china.business_day == timedelta(hours=8)
    assert 3 * china.business_day == timedelta(hours=24)
    monday_opening = shanghai(2026, 3, 9, 9)
    assert china.add(monday_opening, 3 * china.business_day) == shanghai(2026, 3, 11, 18)


def test_result_is_aware_utc(china):
    due = china.add(shanghai(2026, 3, 9, 10), HOUR)
    assert due.tzinfo is UTC
    assert due == datetime(2026, 3, 9, 3, tzinfo=UTC)


def test_friday_half_past_five_plus_one_hour_is_monday_half_past_nine(china):
    due = china.add(shanghai(2026, 3, 6, 17, 30), HOUR)
    assert due == datetime(2026, 3, 9, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


def test_lunch_break_is_not_counted(china):
    assert china.add(shanghai(2026, 3, 9, 11, 30), HOUR) == shanghai(2026, 3, 9, 13, 30)
    assert china.between(shanghai(2026, 3, 9, 11), shanghai(2026, 3, 9, 14)) == 2 * HOUR


def test_target_that_ends_with_an_interval_is_due_at_its_end_not_at_the_next_opening(china):
    assert china.add(shanghai(2026, 3, 9, 9), 3 * HOUR) == shanghai(2026, 3, 9, 12)


def test_start_before_opening_counts_from_the_opening(china):
    assert china.add(shanghai(2026, 3, 9, 7), HOUR) == shanghai(2026, 3, 9, 10)


def test_start_during_lunch_counts_from_the_afternoon_opening(china):
    assert china.add(shanghai(2026, 3, 9, 12, 30), timedelta(minutes=30)) == shanghai(
        2026, 3, 9, 13, 30
    )


def test_start_on_a_saturday_counts_from_monday_opening(china):
    assert china.add(shanghai(2026, 3, 7, 10), timedelta(minutes=1)) == shanghai(2026, 3, 9, 9, 1)


def test_start_given_in_another_zone_is_read_as_the_same_instant(china):
    in_utc = datetime(2026, 3, 9, 1, tzinfo=UTC)  # 09:00 Shanghai
    assert china.add(in_utc, HOUR) == shanghai(2026, 3, 9, 10)


# --- zero duration ----------------------------------------------------------------------------


def test_zero_duration_in_working_time_is_due_at_the_start(china):
    start = shanghai(2026, 3, 9, 10)
    due = china.add(start, timedelta(0))
    assert due == start
    assert due.tzinfo is UTC


def test_zero_duration_outside_working_time_is_due_at_the_start_not_at_the_next_opening(china):
    saturday = shanghai(2026, 3, 7, 22)
    assert china.add(saturday, timedelta(0)) == saturday


def test_between_an_instant_and_itself_is_zero(china):
    moment = shanghai(2026, 3, 9, 10)
    assert china.between(moment, moment) == timedelta(0)


# --- China: public holidays and make-up working days --------------------------------------


def test_china_2026_make_up_working_days_are_the_official_weekend_days(china):
    assert {day for day in china.workdays if day.year == 2026} == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


def test_for_country_keeps_only_make_up_days_of_the_requested_years(china):
    assert all(day.year in (2026, 2027) for day in china.workdays)


def test_make_up_saturday_2026_02_14_is_worked(china):
    assert china.is_working(shanghai(2026, 2, 14, 10))


def test_make_up_saturday_has_the_hours_of_an_ordinary_weekday_lunch_included(china):
    assert not china.is_working(shanghai(2026, 2, 14, 12, 30))
    assert china.between(shanghai(2026, 2, 14), shanghai(2026, 2, 15)) == timedelta(hours=8)


def test_friday_evening_before_spring_festival_rolls_into_the_make_up_saturday(china):
    assert china.add(shanghai(2026, 2, 13, 17, 30), HOUR) == shanghai(2026, 2, 14, 9, 30)


def test_spring_festival_2026_closes_until_tuesday_24_february(china):
    # 15 Feb Sunday, 16-20 holidays, 21-22 weekend, 23 Monday a day off in lieu of 28 Feb
    assert china.add(shanghai(2026, 2, 14, 17, 30), HOUR) == shanghai(2026, 2, 24, 9, 30)


def test_national_day_2026_10_01_is_not_worked(china):
    assert not china.is_working(shanghai(2026, 10, 1, 10))


def test_national_day_holidays_2026_run_from_1_to_7_october(china):
    for day in range(1, 8):
        assert not china.is_working(shanghai(2026, 10, day, 10)), f"2026-10-0{day}"
    assert china.between(shanghai(2026, 10, 1), shanghai(2026, 10, 8)) == timedelta(0)
    assert china.is_working(shanghai(2026, 10, 8, 10))
    assert china.is_working(shanghai(2026, 10, 10, 10))  # make-up Saturday


def test_last_working_hour_before_national_day_rolls_to_8_october(china):
    assert china.add(shanghai(2026, 9, 30, 17, 30), HOUR) == shanghai(2026, 10, 8, 9, 30)


def test_holidays_given_directly_are_closed():
    monday = date(2026, 3, 9)
    calendar = WorkingCalendar("Asia/Shanghai", DEFAULT_WEEK, holidays={monday})
    assert not calendar.is_working(shanghai(2026, 3, 9, 10))
    assert calendar.add(shanghai(2026, 3, 6, 17, 30), HOUR) == shanghai(2026, 3, 10, 9, 30)


def test_workday_uses_the_hours_of_the_longest_monday_to_friday_weekday():
    week = {0: [(time(9), time(12))], 2: [(time(8), time(18))], 4: [(time(9), time(17))]}
    saturday = date(2026, 3, 7)
    calendar = WorkingCalendar("UTC", week, workdays={saturday})
    assert calendar.business_day == timedelta(hours=10)
    assert calendar.is_working(datetime(2026, 3, 7, 8, tzinfo=UTC))
    assert calendar.between(
        datetime(2026, 3, 7, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC)
    ) == timedelta(hours=10)


def test_business_day_of_a_weekend_only_calendar_is_its_longest_day():
    calendar = WorkingCalendar("UTC", {5: [(time(10), time(14))], 6: [(time(10), time(16))]})
    assert calendar.business_day == timedelta(hours=6)


# --- long spans -------------------------------------------------------------------------------


def test_year_end_is_crossed_past_new_year_holiday_and_weekend(china):
    # 2027-01-01 is a Friday holiday; the next opening is Monday 4 January
    assert china.add(shanghai(2026, 12, 31, 17), 2 * HOUR) == shanghai(2027, 1, 4, 10)
    assert china.between(shanghai(2026, 12, 31, 17), shanghai(2027, 1, 4, 10)) == 2 * HOUR


def test_month_of_working_days_ends_on_the_last_day_of_june(plain_shanghai):
    # June 2026 has 22 weekdays, starting Monday 1 June
    due = plain_shanghai.add(shanghai(2026, 6, 1, 9), 22 * timedelta(hours=8))
    assert due == shanghai(2026, 6, 30, 18)


def test_month_of_working_days_skips_the_dragon_boat_holiday(china):
    due = china.add(shanghai(2026, 6, 1, 9), 22 * timedelta(hours=8))
    assert due == shanghai(2026, 7, 1, 18)
    assert china.between(shanghai(2026, 6, 1), shanghai(2026, 7, 1)) == 21 * timedelta(hours=8)


def test_year_of_working_days_ends_on_the_day_a_plain_day_count_gives(china):
    def is_working_day(day: date) -> bool:
        if day in china.holidays:
            return False
        return day.weekday() < 5 or day in china.workdays

    first = date(2026, 1, 5)
    working_days = [
        first + timedelta(days=n) for n in range(800) if is_working_day(first + timedelta(days=n))
    ]
    start = shanghai(2026, 1, 5, 9)
    for count in (250, 260, 300):
        due = china.add(start, count * timedelta(hours=8))
        last_day = working_days[count - 1]
        assert due == datetime.combine(last_day, time(18), tzinfo=SHANGHAI)
        assert china.between(start, due) == count * timedelta(hours=8)


def test_year_long_add_walks_weeks_not_days():
    # cost grows with weeks spanned when no holiday interrupts: few days are computed
    calendar = WorkingCalendar("Asia/Shanghai", DEFAULT_WEEK)
    calendar.add(shanghai(2026, 1, 5, 9), timedelta(hours=8 * 250))
    calendar.between(shanghai(2026, 1, 5, 9), shanghai(2027, 1, 5, 9))
    assert len(calendar._day_cache) < 20


# --- daylight saving time ---------------------------------------------------------------------


def test_nine_to_five_on_spring_forward_day_lasts_eight_real_hours():
    calendar = WorkingCalendar("Europe/London", EVERY_DAY_NINE_TO_FIVE)
    assert calendar.between(london(2026, 3, 29), london(2026, 3, 30)) == timedelta(hours=8)
    assert calendar.add(london(2026, 3, 29, 9), timedelta(hours=8)) == london(2026, 3, 29, 17)


def test_nine_to_five_on_fall_back_day_lasts_eight_real_hours():
    calendar = WorkingCalendar("Europe/London", EVERY_DAY_NINE_TO_FIVE)
    assert calendar.between(london(2026, 10, 25), london(2026, 10, 26)) == timedelta(hours=8)
    assert calendar.add(london(2026, 10, 25, 9), timedelta(hours=8)) == london(2026, 10, 25, 17)


def test_interval_spanning_the_spring_gap_counts_real_elapsed_time():
    calendar = WorkingCalendar("America/New_York", {6: [(time(0), time(4))]})
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT
    assert calendar.between(new_york(2026, 3, 8), new_york(2026, 3, 9)) == timedelta(hours=3)
    assert calendar.add(new_york(2026, 3, 8), timedelta(hours=3)) == new_york(2026, 3, 8, 4)


def test_interval_spanning_the_repeated_autumn_hour_counts_real_elapsed_time():
    calendar = WorkingCalendar("America/New_York", {6: [(time(0), time(4))]})
    # 2026-11-01: 02:00 EDT falls back to 01:00 EST
    assert calendar.between(new_york(2026, 11, 1), new_york(2026, 11, 2)) == timedelta(hours=5)
    assert calendar.add(new_york(2026, 11, 1), timedelta(hours=5)) == new_york(2026, 11, 1, 4)


def test_boundaries_inside_the_spring_gap_fall_on_the_jump_and_never_overlap():
    week = {6: [(time(1, 30), time(2, 30)), (time(2, 45), time(3, 30))]}
    calendar = WorkingCalendar("America/New_York", week)
    day_start, day_end = new_york(2026, 3, 8), new_york(2026, 3, 9)
    jump = datetime(2026, 3, 8, 7, tzinfo=UTC)  # 02:00 EST == 03:00 EDT
    assert list(calendar.open_intervals(day_start, day_end)) == [
        (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), jump + timedelta(minutes=30))
    ]
    assert calendar.between(day_start, day_end) == timedelta(hours=1)


def test_whole_day_interval_lasts_23_and_25_hours_on_london_change_days():
    calendar = WorkingCalendar("Europe/London", {6: WHOLE_DAY})
    assert calendar.between(london(2026, 3, 29), london(2026, 3, 30)) == timedelta(hours=23)
    assert calendar.between(london(2026, 10, 25), london(2026, 10, 26)) == timedelta(hours=25)


def test_add_across_a_dst_change_week_counts_every_real_hour():
    # every instant is working, but a far holiday disables the 24x7 shortcut
    calendar = WorkingCalendar(
        "Europe/London", dict.fromkeys(range(7), WHOLE_DAY), holidays={date(2030, 1, 1)}
    )
    for start in (london(2026, 3, 20), london(2026, 10, 20, 13)):
        for days in (1, 7, 10, 30):
            duration = timedelta(days=days)
            assert calendar.add(start, duration) == start.astimezone(UTC) + duration
            assert calendar.between(start, start.astimezone(UTC) + duration) == duration


def test_weeks_spanning_spring_forward_are_counted_in_london_working_hours():
    calendar = WorkingCalendar("Europe/London", DEFAULT_WEEK)
    # two 40-hour weeks from Monday 23 March, the clocks change on Sunday 29 March
    assert calendar.add(london(2026, 3, 23, 9), timedelta(hours=80)) == london(2026, 4, 3, 18)


# --- 24x7 -------------------------------------------------------------------------------------


def test_always_open_adds_elapsed_time_even_across_dst():
    calendar = WorkingCalendar.always_open("Europe/London")
    start = london(2026, 3, 28, 12)
    assert calendar.add(start, timedelta(hours=24)) == london(2026, 3, 29, 13)
    assert calendar.between(london(2026, 3, 29), london(2026, 3, 30)) == timedelta(hours=23)
    assert calendar.is_working(start)
    assert calendar.next_opening(start) == start
    assert calendar.business_day == timedelta(hours=24)


def test_midnight_to_midnight_on_every_day_is_always_open():
    calendar = WorkingCalendar("UTC", {weekday: [(time(0), time(0))] for weekday in range(7)})
    assert calendar.is_always_open
    start = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert calendar.add(start, timedelta(days=400)) == start + timedelta(days=400)


def test_interval_ending_at_time_zero_runs_to_midnight():
    calendar = WorkingCalendar("UTC", {0: [(time(22), time(0))]})
    monday = datetime(2026, 3, 9, 23, tzinfo=UTC)
    assert calendar.add(monday, HOUR) == datetime(2026, 3, 10, tzinfo=UTC)
    assert not calendar.is_working(datetime(2026, 3, 10, tzinfo=UTC))
    assert calendar.business_day == timedelta(hours=2)


# --- next opening and open intervals --------------------------------------------------------


def test_next_opening_is_the_instant_itself_during_working_time(china):
    moment = shanghai(2026, 3, 9, 10, 15)
    assert china.next_opening(moment) == moment
    assert china.next_opening(moment).tzinfo is UTC


def test_next_opening_after_hours_is_the_next_working_interval_start(china):
    assert china.next_opening(shanghai(2026, 3, 9, 12)) == shanghai(2026, 3, 9, 13)
    assert china.next_opening(shanghai(2026, 9, 30, 18)) == shanghai(2026, 10, 8, 9)


def test_open_intervals_lists_working_intervals_in_utc(china):
    assert list(china.open_intervals(shanghai(2026, 3, 9, 10), shanghai(2026, 3, 10, 10))) == [
        (shanghai(2026, 3, 9, 10), shanghai(2026, 3, 9, 12)),
        (shanghai(2026, 3, 9, 13), shanghai(2026, 3, 9, 18)),
        (shanghai(2026, 3, 10, 9), shanghai(2026, 3, 10, 10)),
    ]


# --- add and between are inverses -------------------------------------------------------------

SHANGHAI_STARTS = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59),
    timezones=st.just(SHANGHAI),
)
LONDON_STARTS = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59),
    timezones=st.just(LONDON),
    allow_imaginary=False,
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=8 * 300))


@settings(max_examples=300, deadline=None)
@given(start=SHANGHAI_STARTS, duration=DURATIONS)
def test_between_start_and_add_is_the_duration_on_the_china_calendar(china, start, duration):
    due = china.add(start, duration)
    assert china.between(start, due) == duration
    if duration:
        assert due > start
        # the due instant is the first at which the duration is reached
        assert china.between(start, due - timedelta(microseconds=1)) < duration


@settings(max_examples=200, deadline=None)
@given(start=LONDON_STARTS, duration=DURATIONS)
def test_between_start_and_add_is_the_duration_across_london_dst(start, duration):
    calendar = _london_with_uk_holidays()
    assert calendar.between(start, calendar.add(start, duration)) == duration


@settings(max_examples=200, deadline=None)
@given(first=SHANGHAI_STARTS, second=SHANGHAI_STARTS, third=SHANGHAI_STARTS)
def test_between_adds_up_over_consecutive_spans_and_matches_open_intervals(
    china, first, second, third
):
    start, middle, end = sorted((first, second, third))
    whole = china.between(start, end)
    assert whole == china.between(start, middle) + china.between(middle, end)
    assert whole == sum(
        (close - opening for opening, close in china.open_intervals(start, end)), timedelta(0)
    )


DST_ZONES = ["Europe/London", "America/Santiago", "Australia/Lord_Howe", "Pacific/Apia"]
INSTANTS = st.datetimes(
    min_value=datetime(2009, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(DST_ZONES),
    start=INSTANTS,
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=200)),
)
def test_skipping_whole_weeks_gives_the_same_answers_as_walking_day_by_day(tz, start, span):
    # zones with gaps at midnight (Santiago), 30-minute shifts (Lord Howe), a skipped day (Apia)
    week = {weekday: [(time(0), time(1, 30)), (time(2, 15), time(0))] for weekday in range(7)}
    fast = WorkingCalendar(tz, week, holidays={date(2040, 1, 1)})
    slow = WorkingCalendar(tz, week, holidays={date(2040, 1, 1)})
    slow._is_ordinary_week = lambda first_day: False
    assert fast.add(start, span) == slow.add(start, span)
    assert fast.between(start, start + span) == slow.between(start, start + span)


_LONDON: list[WorkingCalendar] = []


def _london_with_uk_holidays() -> WorkingCalendar:
    if not _LONDON:
        _LONDON.append(WorkingCalendar.for_country("GB", [2026, 2027, 2028], "Europe/London"))
    return _LONDON[0]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add(datetime(2026, 3, 9, 10), HOUR),
        lambda c: c.between(datetime(2026, 3, 9, 10), shanghai(2026, 3, 9, 11)),
        lambda c: c.between(shanghai(2026, 3, 9, 10), datetime(2026, 3, 9, 11)),
        lambda c: c.is_working(datetime(2026, 3, 9, 10)),
        lambda c: c.next_opening(datetime(2026, 3, 9, 10)),
    ],
    ids=["add", "between-start", "between-end", "is_working", "next_opening"],
)
def test_naive_datetimes_are_rejected(plain_shanghai, call):
    with pytest.raises(ValueError, match="must be timezone-aware"):
        call(plain_shanghai)


def test_duration_that_is_not_a_timedelta_is_a_type_error(plain_shanghai):
    with pytest.raises(TypeError, match="duration must be a timedelta"):
        plain_shanghai.add(shanghai(2026, 3, 9, 10), 60)


def test_negative_duration_is_rejected(plain_shanghai):
    with pytest.raises(ValueError, match="must not be negative"):
        plain_shanghai.add(shanghai(2026, 3, 9, 10), -HOUR)


def test_between_with_end_before_start_is_rejected(plain_shanghai):
    with pytest.raises(ValueError, match="is before start"):
        plain_shanghai.between(shanghai(2026, 3, 9, 11), shanghai(2026, 3, 9, 10))


@pytest.mark.parametrize(
    "interval", [(time(12), time(9)), (time(9), time(9))], ids=["reversed", "empty"]
)
def test_interval_that_does_not_start_before_it_ends_is_rejected(interval):
    with pytest.raises(ValueError, match="must start before it ends"):
        WorkingCalendar("UTC", {0: [interval]})


@pytest.mark.parametrize(
    "intervals",
    [
        [(time(9), time(12)), (time(11), time(14))],
        [(time(13), time(18)), (time(9), time(14))],
        [(time(20), time(0)), (time(21), time(22))],
    ],
    ids=["in-order", "out-of-order", "inside-one-to-midnight"],
)
def test_overlapping_intervals_are_rejected(intervals):
    with pytest.raises(ValueError, match="overlap"):
        WorkingCalendar("UTC", {0: intervals})


def test_touching_intervals_are_one_stretch_of_work():
    calendar = WorkingCalendar("UTC", {0: [(time(12), time(18)), (time(9), time(12))]})
    assert calendar.week[0] == ((time(9), time(18)),)


@pytest.mark.parametrize("weekday", [-1, 7])
def test_weekday_outside_monday_to_sunday_is_rejected(weekday):
    with pytest.raises(ValueError, match="weekday must be an integer 0"):
        WorkingCalendar("UTC", {weekday: [(time(9), time(17))]})


def test_weekday_that_is_not_an_integer_is_a_type_error():
    with pytest.raises(TypeError, match="weekday must be an integer 0"):
        WorkingCalendar("UTC", {"Monday": [(time(9), time(17))]})


def test_interval_bounds_in_another_zone_are_rejected():
    with pytest.raises(ValueError, match=r"naive datetime\.time values"):
        WorkingCalendar("UTC", {0: [(time(9, tzinfo=UTC), time(17))]})


@pytest.mark.parametrize("week", [{}, {0: []}], ids=["no-days", "empty-monday"])
def test_calendar_without_working_time_is_rejected(week):
    with pytest.raises(ValueError, match="calendar has no working time"):
        WorkingCalendar("UTC", week)


def test_calendar_with_only_workdays_and_an_empty_week_is_rejected():
    with pytest.raises(ValueError, match="calendar has no working time"):
        WorkingCalendar("UTC", {}, workdays={date(2026, 3, 7)})


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd"])
def test_unknown_time_zone_is_rejected(tz):
    with pytest.raises(ValueError, match="unknown time zone"):
        WorkingCalendar(tz, DEFAULT_WEEK)


def test_unknown_country_is_rejected():
    with pytest.raises(ValueError, match="no holiday data for country"):
        WorkingCalendar.for_country("XX", [2026], "UTC")


def test_date_both_holiday_and_workday_is_rejected():
    saturday = date(2026, 3, 7)
    with pytest.raises(ValueError, match="both holidays and workdays"):
        WorkingCalendar("UTC", DEFAULT_WEEK, holidays={saturday}, workdays={saturday})


def test_datetimes_given_as_holidays_are_a_type_error():
    with pytest.raises(TypeError, match=r"must contain datetime\.date values"):
        WorkingCalendar("UTC", DEFAULT_WEEK, holidays={datetime(2026, 3, 9)})


def test_calendar_closed_for_ten_years_raises_instead_of_looping():
    mondays = {date(2026, 3, 9) + timedelta(weeks=n) for n in range(MAX_SCAN_DAYS // 7 + 10)}
    calendar = WorkingCalendar("UTC", {0: [(time(9), time(17))]}, holidays=mondays)
    start = datetime(2026, 3, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="no working time within"):
        calendar.next_opening(start)
    with pytest.raises(ValueError, match="no working time within"):
        calendar.add(start, HOUR)
    assert calendar.between(start, start + timedelta(days=365)) == timedelta(0)
