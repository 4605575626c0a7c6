"""A minimal RFC 5545 (iCalendar) writer: events with alarms, CRLF lines folded at 75 octets.

Certificates expire on a date nobody remembers; an .ics file puts the date and the reminders
(60 and 30 days before) into the admin's own calendar. Only what the rotation plan needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wizard.safe_text import clean_block

PRODID = "-//sfb-exchange-wizard//certificate rotation plan//EN"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Alarm:
    before: timedelta  # how long before the event starts
    description: str


@dataclass(frozen=True)
class Event:
    uid: str  # stable, so importing a newer plan updates the event instead of adding a second one
    start: datetime
    summary: str
    description: str
    alarms: tuple[Alarm, ...] = ()
    duration: timedelta = timedelta(hours=1)
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks; other hidden
    characters (controls, bidi, zero-width: a certificate subject is collected data) are removed."""
    return (clean_block(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold one content line into physical lines of at most 75 octets, never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    limit = MAX_OCTETS
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            pieces.append(current)
            current = ""
            limit = MAX_OCTETS - 1  # continuation lines start with one space
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _duration(span: timedelta) -> str:
    """-P60D style for whole days, -PT90M otherwise (RFC 5545 3.3.6)."""
    sign = "-" if span < timedelta(0) else ""
    span = abs(span)
    if span.seconds == 0 and span.microseconds == 0:
        return f"{sign}P{span.days}D"
    return f"{sign}PT{int(span.total_seconds() // 60)}M"


def render_calendar(events: list[Event], *, stamp: datetime, name: str = "") -> str:
    """The whole VCALENDAR as text with CRLF line ends (write it as UTF-8 bytes, newline='')."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.start + event.duration)}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
        ]
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        lines.append("TRANSP:TRANSPARENT")
        for alarm in event.alarms:
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(alarm.description)}",
                      f"TRIGGER;RELATED=START:{_duration(-alarm.before)}", "END:VALARM"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
