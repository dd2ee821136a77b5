"""iCalendar text of a session (RFC 5545/5546): escaping, folding, the fields calendars need."""

from datetime import UTC, datetime, timedelta

import pytest

from ports_network.services.ical import Event, Person, calendar, calendar_of, escape_text, fold

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def event(**changes) -> Event:
    values = {
        "uid": "abc-123@ports-network",
        "sequence": 0,
        "starts_at": datetime(2026, 3, 10, 15, 0, tzinfo=UTC),
        "duration": timedelta(minutes=90),
        "summary": "Comité Directivo: Sesión ordinaria",
        "description": "Local time: 10:00\nAgenda",
        "location": "Lima, Perú",
        "url": "http://localhost/committees/sessions/1",
        "time_zone": "America/Lima",
        "organizer": Person("Comité Directivo", "no-reply@example.org"),
        "attendees": (Person("Rosa Quispe", "rosa@example.org"),),
    }
    return Event(**(values | changes))


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_values_escape_backslashes_semicolons_commas_and_line_breaks():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "ñ" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line


def test_invitation_has_method_uid_stamp_and_utc_times():
    text = calendar(event(), "REQUEST", now=NOW)
    lines = unfolded(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "METHOD:REQUEST" in lines
    assert "VERSION:2.0" in lines
    assert "UID:abc-123@ports-network" in lines
    assert "DTSTAMP:20260301T120000Z" in lines
    assert "DTSTART:20260310T150000Z" in lines
    assert "DTEND:20260310T163000Z" in lines
    assert "X-WR-TIMEZONE:America/Lima" in lines
    assert "SEQUENCE:0" in lines
    assert "STATUS:CONFIRMED" in lines


def test_every_line_ends_with_crlf():
    text = calendar(event(), "REQUEST", now=NOW)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_invitation_names_organizer_and_attendees_with_quoted_names():
    lines = unfolded(calendar(event(), "REQUEST", now=NOW))
    assert 'ORGANIZER;CN="Comité Directivo":mailto:no-reply@example.org' in lines
    assert any(
        line.startswith('ATTENDEE;CN="Rosa Quispe";') and line.endswith(":mailto:rosa@example.org")
        for line in lines
    )


def test_user_text_is_escaped_in_summary_description_and_location():
    lines = unfolded(calendar(event(summary="A, B; C", location="Av. 1, Lima"), now=NOW))
    assert "SUMMARY:A\\, B\\; C" in lines
    assert "DESCRIPTION:Local time: 10:00\\nAgenda" in lines
    assert "LOCATION:Av. 1\\, Lima" in lines


def test_a_name_cannot_break_out_of_its_parameter():
    person = Person('Eve"\r\nATTENDEE:mailto:x@evil.example', "eve@example.org")
    lines = unfolded(calendar(event(attendees=(person,)), "REQUEST", now=NOW))
    assert not any(line.startswith("ATTENDEE:mailto:x@evil") for line in lines)
    assert 'ATTENDEE;CN="EveATTENDEE:mailto:x@evil.example";' in next(
        line for line in lines if "eve@" in line
    )


def test_a_download_is_published_without_attendees():
    lines = unfolded(calendar(event(), "PUBLISH", now=NOW))
    assert "METHOD:PUBLISH" in lines
    assert not any(line.startswith("ATTENDEE") for line in lines)


def test_a_cancellation_says_so():
    lines = unfolded(calendar(event(cancelled=True, sequence=2), "CANCEL", now=NOW))
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:2" in lines


def test_unknown_methods_are_refused():
    with pytest.raises(ValueError):
        calendar(event(), "COUNTER")


def test_a_feed_holds_every_event_once_in_one_named_calendar():
    feed = unfolded(
        calendar_of(
            [event(uid="one@ports-network"), event(uid="two@ports-network", cancelled=True)],
            now=NOW,
            name="Events, Ports Network",
            time_zone="UTC",
        )
    )
    assert feed[:5] == ["BEGIN:VCALENDAR", "VERSION:2.0", feed[2], "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    assert "X-WR-CALNAME:Events\\, Ports Network" in feed
    assert [line for line in feed if line.startswith("UID:")] == [
        "UID:one@ports-network",
        "UID:two@ports-network",
    ]
    assert feed.count("BEGIN:VEVENT") == 2 and "STATUS:CANCELLED" in feed
    assert not any(line.startswith("ATTENDEE") for line in feed)  # a published feed names nobody
    assert feed[-2:] == ["END:VCALENDAR", ""]
