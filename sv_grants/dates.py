"""One clock for the whole service, and the conversions between UTC and UK time.

Everything is stored and compared in UTC; people see Europe/London. Tests move the clock with
``clock.travel_to`` / ``clock.advance`` instead of sleeping or patching ``datetime``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC) + self._offset

    def today_in_london(self) -> date:
        return self.now().astimezone(LONDON).date()

    def travel_to(self, moment: datetime) -> None:
        """Freeze the clock at ``moment`` (which must carry a time zone)."""
        if moment.tzinfo is None:
            raise ValueError("travel_to needs an aware datetime")
        self._frozen = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        if self._frozen is not None:
            self._frozen += timedelta(**delta)
        else:
            self._offset += timedelta(**delta)

    def reset(self) -> None:
        self._offset = timedelta(0)
        self._frozen = None


clock = Clock()


def utcnow() -> datetime:
    return clock.now()


def to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not allowed; store and pass UTC")
    return moment.astimezone(LONDON)


def format_date(value: date | datetime | None) -> str:
    """'21 November 2026', as the GOV.UK style guide writes dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_london(value)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """'21 November 2026 at 7:35pm' in UK time; midday and midnight are written as words."""
    if value is None:
        return ""
    local = to_london(value)
    if local.hour == 12 and local.minute == 0:
        time = "midday"
    elif local.hour == 0 and local.minute == 0:
        time = "midnight"
    else:
        hour = local.hour % 12 or 12
        minutes = f":{local.minute:02d}" if local.minute else ""
        time = f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"
    return f"{format_date(local)} at {time}"
