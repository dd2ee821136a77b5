"""Seats: eligibility with the community's signed MoU, one officer per role at a time, one seat per person."""

from datetime import date, timedelta

import pytest

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import AuditEvent, BodyStatus, Notification, SeatRole
from ports_network.models.base import utcnow
from ports_network.services import committee_seats
from ports_network.services.committee_seats import SeatData
from tests import factories

TODAY = date.today()


@pytest.fixture
def body():
    return factories.BodyFactory(requires_mou=True, term_start=TODAY - timedelta(days=30))


def data(user, role=SeatRole.MEMBER, community=None, start=None, end=None) -> SeatData:
    return SeatData(
        user_id=user.id,
        role=role,
        start_date=start or TODAY,
        end_date=end,
        community_id=community.id if community else None,
    )


def test_a_voting_seat_needs_a_community_that_signed_the_mou(secretariat, body, community, member):
    with pytest.raises(DomainError) as refused:
        committee_seats.add_seat(secretariat, body, data(member, community=community))
    assert refused.value.field == "community_id"
    assert "has not signed the Memorandum of Understanding" in refused.value.message
    community.mou_signed = True
    db.session.commit()
    seat = committee_seats.add_seat(secretariat, body, data(member, community=community))
    assert seat.voting and seat.community == community


def test_a_voting_seat_in_a_body_requiring_the_mou_names_a_community(secretariat, body, member):
    with pytest.raises(DomainError, match="choose it"):
        committee_seats.add_seat(secretariat, body, data(member))


def test_observers_need_no_mou_and_do_not_vote(secretariat, body, community, member):
    seat = committee_seats.add_seat(secretariat, body, data(member, SeatRole.OBSERVER, community))
    assert not seat.voting


def test_a_body_without_the_rule_seats_anyone(secretariat, member, community):
    body = factories.BodyFactory(requires_mou=False)
    seat = committee_seats.add_seat(secretariat, body, data(member, community=community))
    assert seat.organisation == member.memberships[0].organisation  # defaults to their membership's


def test_the_person_must_belong_to_the_community_they_sit_for(secretariat, member, other_community):
    body = factories.BodyFactory()
    with pytest.raises(DomainError, match="is not a member of") as refused:
        committee_seats.add_seat(secretariat, body, data(member, community=other_community))
    assert refused.value.field == "community_id"


def test_two_chairs_at_once_are_refused_but_one_after_the_other_is_fine(secretariat, member, other_member):
    body = factories.BodyFactory()
    committee_seats.add_seat(secretariat, body, data(member, SeatRole.CHAIR, end=TODAY + timedelta(days=10)))
    with pytest.raises(DomainError, match="holds this role") as refused:
        committee_seats.add_seat(
            secretariat, body, data(other_member, SeatRole.CHAIR, start=TODAY + timedelta(days=5))
        )
    assert refused.value.field == "role"
    later = committee_seats.add_seat(
        secretariat, body, data(other_member, SeatRole.CHAIR, start=TODAY + timedelta(days=11))
    )
    assert later.role == SeatRole.CHAIR


def test_members_may_be_many_but_a_person_holds_one_seat_at_a_time(secretariat, member, other_member):
    body = factories.BodyFactory()
    committee_seats.add_seat(secretariat, body, data(member))
    committee_seats.add_seat(secretariat, body, data(other_member))
    with pytest.raises(DomainError, match="already holds a seat"):
        committee_seats.add_seat(secretariat, body, data(member, SeatRole.OBSERVER))


def test_a_seat_falls_within_the_body_term(secretariat, member):
    body = factories.BodyFactory(term_start=TODAY, term_end=TODAY + timedelta(days=30))
    with pytest.raises(DomainError, match="within the body's term"):
        committee_seats.add_seat(secretariat, body, data(member, start=TODAY - timedelta(days=1)))
    with pytest.raises(DomainError, match="within the body's term"):
        committee_seats.add_seat(secretariat, body, data(member))  # open-ended beyond the term
    with pytest.raises(DomainError, match="cannot end before"):
        committee_seats.add_seat(secretariat, body, data(member, end=TODAY - timedelta(days=1)))


def test_changing_a_seat_keeps_the_rules_and_ignores_the_seat_itself(secretariat, member, other_member):
    body = factories.BodyFactory()
    chair = committee_seats.add_seat(secretariat, body, data(member, SeatRole.CHAIR))
    committee_seats.update_seat(secretariat, chair, data(member, SeatRole.CHAIR, end=TODAY))
    assert chair.end_date == TODAY
    vice = committee_seats.add_seat(secretariat, body, data(other_member, SeatRole.VICE_CHAIR))
    with pytest.raises(DomainError, match="holds this role"):
        committee_seats.update_seat(secretariat, vice, data(other_member, SeatRole.CHAIR))


def test_a_seat_is_audited_and_its_holder_told(secretariat, member):
    body = factories.BodyFactory()
    seat = committee_seats.add_seat(secretariat, body, data(member, SeatRole.SECRETARY))
    event = db.session.query(AuditEvent).filter_by(action="seat.create").one()
    assert event.subject_id == seat.id and event.new["seat_role"] == "secretary"
    notice = db.session.query(Notification).filter_by(user_id=member.id).one()
    assert notice.kind == "committees.seat_assigned"


def test_only_the_secretariat_assigns_seats(member, coordinator):
    body = factories.BodyFactory()
    with pytest.raises(NotAllowed):
        committee_seats.add_seat(coordinator, body, data(member))


def test_a_closed_body_takes_no_seats(secretariat, member):
    body = factories.BodyFactory(status=BodyStatus.CLOSED, closed_at=utcnow())
    with pytest.raises(DomainError, match="closed"):
        committee_seats.add_seat(secretariat, body, data(member))
