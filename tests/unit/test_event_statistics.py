"""Participation figures: registrations and attendance by country, SELA membership, stakeholder type and
gender (withheld below five answers), published figures of past events, and the year's totals."""

from datetime import UTC, datetime, timedelta

import pytest

from ports_network.extensions import db
from ports_network.models import EventAttendance, EventStatus, Gender, RegistrationStatus, StakeholderType
from ports_network.services import event_statistics
from tests import factories

WOMAN, MAN, UNDISCLOSED = Gender.WOMAN, Gender.MAN, Gender.UNDISCLOSED


@pytest.fixture
def countries():
    return {
        "PE": factories.CountryFactory(alpha2="PE", sela_member=True),
        "JM": factories.CountryFactory(alpha2="JM", sela_member=False),
    }


def register(event, country, *, gender=None, kind=None, attended=None, status=RegistrationStatus.REGISTERED):
    return factories.EventRegistrationFactory(
        event=event,
        country=country,
        gender=gender,
        stakeholder_type=kind,
        attendance=attended,
        status=status,
    )


def lines(breakdown) -> dict[str, tuple[int, int]]:
    return {line.label: (line.registered, line.attended) for line in breakdown.lines}


def test_places_and_attendance_are_counted_by_country_membership_and_stakeholder_type(countries):
    event = factories.EventFactory()
    came, absent = EventAttendance.ATTENDED, EventAttendance.ABSENT
    register(event, countries["PE"], kind=StakeholderType.CUSTOMS, attended=came)
    register(event, countries["PE"], kind=StakeholderType.CUSTOMS, attended=absent)
    register(event, countries["JM"], kind=StakeholderType.PORT_AUTHORITY, attended=came)
    register(event, countries["JM"], status=RegistrationStatus.WAITLISTED)
    register(event, countries["JM"], status=RegistrationStatus.CANCELLED)
    figures = event_statistics.participation([event], "en")
    assert (figures.registered, figures.waitlisted, figures.attended, figures.absent) == (3, 1, 2, 1)
    assert lines(figures.by_country) == {"Peru": (2, 1), "Jamaica": (1, 1)}
    assert lines(figures.by_sela) == {"SELA member states": (2, 1), "Other countries": (1, 1)}
    assert lines(figures.by_stakeholder) == {"Customs": (2, 1), "Port authority": (1, 1)}
    assert (figures.countries.members, figures.countries.others) == (["Peru"], ["Jamaica"])


def test_gender_is_withheld_until_five_people_answered(countries):
    event = factories.EventFactory()
    for gender in (WOMAN, WOMAN, MAN, UNDISCLOSED, None, None):
        register(event, countries["PE"], gender=gender)
    withheld = event_statistics.participation([event], "en").by_gender
    assert withheld.withheld and withheld.lines == []
    register(event, countries["PE"], gender=WOMAN)
    shown = event_statistics.participation([event], "en").by_gender
    assert not shown.withheld
    assert lines(shown) == {
        "Woman": (3, 0),
        "Man": (1, 0),
        "Prefer not to say": (1, 0),
        "Not answered": (2, 0),
    }


def test_people_who_gave_no_kind_of_organisation_are_counted_as_not_given(countries):
    event = factories.EventFactory()
    register(event, countries["PE"])
    assert lines(event_statistics.participation([event], "en").by_stakeholder) == {"Not given": (1, 0)}


def test_published_figures_count_their_countries_by_sela_membership(countries):
    event = factories.EventFactory(declared_participants=190, declared_countries=["PE", "JM", "ES"])
    figures = event_statistics.participation([event], "en")
    assert figures.declared == 190 and figures.registered == 0
    # Spain is not one of the platform's countries, so it is not a SELA member state.
    assert (figures.countries.members, figures.countries.others) == (["Peru"], ["Jamaica", "Spain"])
    assert figures.countries.total == 3


def test_the_year_report_holds_the_published_events_of_that_year_and_their_totals(countries):
    def on(day):
        start = datetime(*day, 15, tzinfo=UTC)
        return {"starts_at": start, "ends_at": start + timedelta(hours=3)}

    seminar = factories.EventFactory(
        declared_participants=183, declared_countries=["PE"], **on((2024, 8, 22))
    )
    meeting = factories.EventFactory(
        declared_participants=190, declared_countries=["JM"], **on((2024, 10, 16))
    )
    workshop = factories.EventFactory(**on((2024, 11, 5)))
    register(workshop, countries["PE"], attended=EventAttendance.ATTENDED)
    factories.EventFactory(status=EventStatus.CANCELLED, declared_participants=50, **on((2024, 3, 1)))
    factories.EventFactory(status=EventStatus.DRAFT, published_at=None, **on((2024, 4, 1)))
    factories.EventFactory(declared_participants=80, **on((2023, 12, 31)))
    db.session.commit()

    report = event_statistics.year_report(2024, "en")
    assert [event.id for event, _figures in report.events] == [seminar.id, meeting.id, workshop.id]
    assert report.total.declared == 183 + 190 and report.total.registered == 1 and report.total.attended == 1
    assert report.total.countries.total == 2
    assert event_statistics.years() == [2024, 2023]
