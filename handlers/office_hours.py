"""Staff office hours: parse "Mon-Fri 07:30-11:30,13:30-17:00", tell whether staff are in, and when next.

Several groups are separated by ";" ("Mon-Fri 07:30-11:30,13:30-17:00; Sat 07:30-11:30"); days are
English three-letter names, single, in ranges or comma lists. An empty schedule means always open.
Public holidays are not known here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
VI_DAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
VIETNAM = "Asia/Ho_Chi_Minh"
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
Interval = tuple[int, int]  # minutes since midnight, [start, end)


def zone(name: str) -> dt.tzinfo:
    """The named zone; Vietnam (no daylight saving) works even without the system tz database."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == VIETNAM:
            return dt.timezone(dt.timedelta(hours=7), "ICT")
        raise ValueError(f"unknown time zone {name!r}") from None


def _minutes(text: str) -> int:
    found = _TIME.match(text.strip())
    if not found or int(found.group(1)) > 24 or int(found.group(2)) > 59:
        raise ValueError(f"time must be HH:MM, got {text!r}")
    minutes = int(found.group(1)) * 60 + int(found.group(2))
    if minutes > 24 * 60:
        raise ValueError(f"time after 24:00: {text!r}")
    return minutes


def _days(text: str) -> list[int]:
    days: list[int] = []
    for item in text.lower().split(","):
        first, _, last = item.strip().partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"days are Mon…Sun, got {item.strip()!r}")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days += [day % 7 for day in range(start, end + 1 if end >= start else end + 8)]
    return days


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Opening intervals per weekday (Monday = 0) in one time zone."""

    week: tuple[tuple[Interval, ...], ...]
    tz: dt.tzinfo
    text: str = ""

    @classmethod
    def parse(cls, text: str, zone_name: str = VIETNAM) -> OfficeHours:
        """Read a schedule; raises ValueError with the offending part."""
        week: list[list[Interval]] = [[] for _ in DAYS]
        for group in filter(None, (part.strip() for part in text.split(";"))):
            days, _, times = group.partition(" ")
            if not times.strip():
                raise ValueError(f"expected «days HH:MM-HH:MM», got {group!r}")
            for span in times.replace(" ", "").split(","):
                start_text, _, end_text = span.partition("-")
                start, end = _minutes(start_text), _minutes(end_text)
                if end <= start:
                    raise ValueError(f"interval ends before it starts: {span!r}")
                for day in _days(days):
                    week[day].append((start, end))
        return cls(tuple(tuple(sorted(day)) for day in week), zone(zone_name), text.strip())

    @property
    def always(self) -> bool:
        return not any(self.week)

    def is_open(self, now: dt.datetime) -> bool:
        if self.always:
            return True
        local = now.astimezone(self.tz)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.week[local.weekday()])

    def next_opening(self, now: dt.datetime) -> dt.datetime | None:
        """When staff are next in (local time); None while open or when the schedule is always open."""
        if self.is_open(now):
            return None
        local = now.astimezone(self.tz)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            for start, _ in self.week[day.weekday()]:
                midnight = dt.datetime.combine(day, dt.time(), self.tz)
                opening = midnight + dt.timedelta(minutes=start)
                if opening > local:
                    return opening
        return None


def _clock(moment: dt.datetime) -> str:
    """A clock time in words: "7 giờ 30 sáng", "1 giờ chiều", "12 giờ trưa"."""
    hour, minute = moment.hour, moment.minute
    period = "sáng" if hour < 11 else "trưa" if hour < 13 else "chiều" if hour < 18 else "tối"
    twelve = hour % 12 or 12
    return f"{twelve} giờ {minute:02d} {period}" if minute else f"{twelve} giờ {period}"


def when_vi(opening: dt.datetime, now: dt.datetime) -> str:
    """The next opening in Vietnamese, relative to now: "1 giờ 30 chiều nay", "7 giờ 30 sáng thứ Hai (24/11)"."""
    today = now.astimezone(opening.tzinfo).date()
    days = (opening.date() - today).days
    if days == 0:
        return f"{_clock(opening)} nay"
    date = opening.strftime("%d/%m")
    if days == 1:
        return f"{_clock(opening)} mai ({VI_DAYS[opening.weekday()]}, {date})"
    return f"{_clock(opening)} {VI_DAYS[opening.weekday()]} ({date})"
