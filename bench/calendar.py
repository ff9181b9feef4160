"""Working-calendar speed: add() and between() over a day, a month and a year of work.

Run from the repo root: `.venv/bin/python bench/calendar.py`; prints `name: value` lines.
"""

import sys
import timeit
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BENCH_DIR = Path(__file__).resolve().parent


def use_repo_imports() -> None:
    """Import from the repo root, not from this folder.

    This script is named calendar.py: with its folder on the path, any `import calendar` (the
    standard library, used by `holidays`) would load this file instead.
    """
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
    sys.path.insert(0, str(BENCH_DIR.parent))


SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 9, 10, tzinfo=SHANGHAI)  # a Monday morning
BUSINESS_DAY = timedelta(hours=8)
REPEATS = 5


def best_microseconds(call, number: int) -> float:
    """Fastest of REPEATS runs of `number` calls, per call, in microseconds."""
    return min(timeit.repeat(call, number=number, repeat=REPEATS)) / number * 1e6


def main() -> None:
    use_repo_imports()
    from tickets.sla.calendar import WorkingCalendar

    china = WorkingCalendar.for_country("CN", [2026, 2027], "Asia/Shanghai")
    always_open = WorkingCalendar.always_open("Asia/Shanghai")
    # durations of working time: a business day, a working month, a working year
    spans = {"day": BUSINESS_DAY, "month": 22 * BUSINESS_DAY, "year": 250 * BUSINESS_DAY}
    # elapsed ranges for between()
    ranges = {"day": timedelta(days=1), "month": timedelta(days=30), "year": timedelta(days=365)}
    numbers = {"day": 5000, "month": 1000, "year": 200}

    figures: dict[str, float] = {}
    for name, duration in spans.items():
        figures[f"calendar_add_{name}_us"] = best_microseconds(
            lambda duration=duration: china.add(START, duration), numbers[name]
        )
    for name, elapsed in ranges.items():
        figures[f"calendar_between_{name}_us"] = best_microseconds(
            lambda elapsed=elapsed: china.between(START, START + elapsed), numbers[name]
        )

    year_due = china.add(START, spans["year"])
    days_spanned = (year_due - START) / timedelta(days=1)
    figures["calendar_add_year_days_spanned"] = days_spanned
    figures["calendar_add_year_us_per_day_spanned"] = figures["calendar_add_year_us"] / days_spanned

    # Cold: the per-date cache emptied before every call, as in a freshly started worker.
    def add_year_cold() -> None:
        china._day_cache.clear()
        china.add(START, spans["year"])

    def between_year_cold() -> None:
        china._day_cache.clear()
        china.between(START, START + ranges["year"])

    figures["calendar_add_year_cold_us"] = best_microseconds(add_year_cold, 50)
    figures["calendar_add_year_cold_us_per_day_spanned"] = (
        figures["calendar_add_year_cold_us"] / days_spanned
    )
    figures["calendar_between_year_cold_us"] = best_microseconds(between_year_cold, 50)
    figures["calendar_always_open_add_year_us"] = best_microseconds(
        lambda: always_open.add(START, timedelta(days=365)), 5000
    )
    figures["calendar_for_country_cn_two_years_us"] = best_microseconds(
        lambda: WorkingCalendar.for_country("CN", [2026, 2027], "Asia/Shanghai"), 20
    )

    for name, value in figures.items():
        print(f"{name}: {value:.2f}")


if __name__ == "__main__":
    main()
