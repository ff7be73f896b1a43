"""Office hours with a fixed clock: open or not, the next opening, and how it is said in Vietnamese."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfoNotFoundError

import pytest

from handlers import office_hours
from handlers.office_hours import OfficeHours, when_vi

ICT = dt.timezone(dt.timedelta(hours=7))
HOURS = OfficeHours.parse("Mon-Fri 07:30-11:30,13:30-17:00")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """November 2026: the 23rd is a Monday."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ICT)


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (at(24, 7, 29), False),
        (at(24, 7, 30), True),
        (at(24, 11, 29), True),
        (at(24, 11, 30), False),  # lunch
        (at(24, 13, 30), True),
        (at(24, 17, 0), False),
        (at(28, 9, 0), False),  # Saturday
        (dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC), True),  # 09:00 in Vietnam
    ],
)
def test_is_open(now: dt.datetime, is_open: bool) -> None:
    assert HOURS.is_open(now) is is_open


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(24, 9, 0), None),
        (at(24, 6, 0), "7 giờ 30 sáng nay"),
        (at(24, 12, 0), "1 giờ 30 chiều nay"),
        (at(24, 18, 0), "7 giờ 30 sáng mai (thứ Tư, 25/11)"),
        (at(27, 17, 5), "7 giờ 30 sáng thứ Hai (30/11)"),  # Friday evening
        (at(28, 20, 0), "7 giờ 30 sáng thứ Hai (30/11)"),
        (at(29, 23, 59), "7 giờ 30 sáng mai (thứ Hai, 30/11)"),
    ],
)
def test_next_opening_in_vietnamese(now: dt.datetime, expected: str | None) -> None:
    opening = HOURS.next_opening(now)
    assert (when_vi(opening, now) if opening else None) == expected


def test_groups_day_lists_and_ranges_across_the_weekend() -> None:
    hours = OfficeHours.parse("Mon-Fri 08:00-17:00; Sat 08:00-12:00; Sun,Wed 19:00-21:00")
    assert hours.is_open(at(28, 11, 0)) and not hours.is_open(at(28, 13, 0))
    assert hours.is_open(at(29, 20, 0)) and hours.is_open(at(25, 20, 0)) and not hours.is_open(at(24, 20, 0))
    wrapping = OfficeHours.parse("Fri-Mon 10:00-12:00")
    assert [wrapping.is_open(at(day, 11)) for day in range(23, 30)] == [True, False, False, False, True, True, True]
    assert when_vi(wrapping.next_opening(at(23, 13)) or at(1, 1), at(23, 13)) == "10 giờ sáng thứ Sáu (27/11)"


def test_an_empty_schedule_is_always_open() -> None:
    always = OfficeHours.parse("")
    assert always.always and always.is_open(at(28, 3)) and always.next_opening(at(28, 3)) is None


def test_until_midnight_and_noon_words() -> None:
    hours = OfficeHours.parse("Mon-Sun 12:00-24:00")
    assert hours.is_open(at(24, 23, 59)) and not hours.is_open(at(24, 0, 1))
    assert when_vi(hours.next_opening(at(24, 6)) or at(1, 1), at(24, 6)) == "12 giờ trưa nay"


@pytest.mark.parametrize(
    "text",
    ["Mon-Fri", "Mon-Fri 7h30-11h", "Lun 07:30-11:30", "Mon 11:30-07:30", "Mon 07:30-25:00", "Mon 07:30"],
)
def test_a_wrong_schedule_is_refused_with_the_offending_part(text: str) -> None:
    with pytest.raises(ValueError):
        OfficeHours.parse(text)


def test_the_time_zone_works_without_the_system_tz_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise ZoneInfoNotFoundError(name)

    monkeypatch.setattr(office_hours, "ZoneInfo", missing)
    tz = office_hours.zone("Asia/Ho_Chi_Minh")
    assert tz.utcoffset(dt.datetime(2026, 6, 1)) == dt.timedelta(hours=7)
    with pytest.raises(ValueError, match="Mars/Olympus"):
        OfficeHours.parse("Mon 08:00-09:00", "Mars/Olympus")
