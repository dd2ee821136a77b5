"""The live session's state machine: opening and closing, the current item, the roll call with proxies
and the live quorum, the speakers' queue; each change audited and raising the live revision."""

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError, NotAllowed
from ports_network.extensions import db
from ports_network.models import (
    AttendanceStatus,
    AuditEvent,
    ProxyRule,
    SessionStatus,
    SpeakerRequest,
    SpeakerStatus,
)
from ports_network.services import (
    committee_live,
    committee_live_state,
    committee_motions,
    committee_sessions,
    committee_speakers,
)
from tests import factories
from tests.live_sessions import motion_in_vote, roll_call


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_chair_opens_a_convened_session_on_its_first_item(convened, coordinator):
    committee_live.open_session(coordinator, convened)
    assert convened.status == SessionStatus.IN_PROGRESS and convened.started_at is not None
    assert convened.current_item.title == "Adoption of the agenda"
    assert convened.live_revision == 1
    assert actions() == ["committee_session.open"]


@pytest.mark.parametrize("who", ["focal_point", "validator", "outsider"])
def test_only_the_officers_open_a_session(convened, who, request):
    with pytest.raises(NotAllowed):
        committee_live.open_session(request.getfixturevalue(who), convened)
    assert convened.status == SessionStatus.CONVENED


def test_the_secretariat_may_drive_any_session(convened, secretariat):
    committee_live.open_session(secretariat, convened)
    assert convened.status == SessionStatus.IN_PROGRESS


def test_a_session_that_was_not_convened_cannot_be_opened(live_body, coordinator):
    session = factories.CommitteeSessionFactory(body=live_body)
    with pytest.raises(DomainError, match="Only a convened session can be opened"):
        committee_live.open_session(coordinator, session)


def test_the_chair_moves_through_the_agenda_of_the_session_only(live, coordinator):
    second = live.items[1]
    committee_live.take_up(coordinator, live, second.id)
    assert live.current_item_id == second.id
    other = factories.AgendaItemFactory(position=1)
    with pytest.raises(DomainError, match="not on the session's agenda"):
        committee_live.take_up(coordinator, live, other.id)
    assert actions()[-1] == "committee_session.current_item"


def test_roll_call_answers_make_the_quorum_live(live, coordinator, focal_point, member, validator):
    assert not committee_sessions.quorum_of(live).reached
    roll_call(live, coordinator, {coordinator: "present", validator: "present"})
    assert not committee_sessions.quorum_of(live).reached  # an observer makes no quorum
    roll_call(live, coordinator, {focal_point: "remote", member: "excused"})
    result = committee_sessions.quorum_of(live)
    assert (result.present, result.remote, result.represented, result.reached) == (1, 1, 2, True)
    assert live.live_revision == 5  # opening and four answers


def test_a_proxy_is_recorded_and_counted_as_a_weight(live, coordinator, focal_point, member):
    roll_call(live, coordinator, {coordinator: "present", member: "absent"}, proxies={member: coordinator})
    result = committee_sessions.quorum_of(live)
    assert (result.proxies, result.weights, result.reached) == (1, {coordinator.id: 2}, True)
    state = committee_live_state.snapshot(live)
    absent = next(p for p in state["people"] if p["id"] == member.id)
    assert absent["proxy_holder_id"] == coordinator.id and absent["proxy_counted"]


@pytest.mark.parametrize(
    "case",
    [
        ("present", "present", "A member who attends votes in person"),
        ("absent", "excused", "must be a voting member marked present or remote"),
    ],
)
def test_a_proxy_the_body_rules_refuse_is_not_recorded(live, coordinator, member, case):
    giver_status, holder_status, message = case
    roll_call(live, coordinator, {coordinator: holder_status})
    with pytest.raises(DomainError, match=message):
        roll_call(live, coordinator, {member: giver_status}, proxies={member: coordinator})
    assert committee_sessions.quorum_of(live).proxies == 0


def test_no_proxy_is_recorded_where_the_body_allows_none(live, coordinator, member):
    live.body.proxy_rule = ProxyRule.NONE
    db.session.commit()
    roll_call(live, coordinator, {coordinator: "present"})
    with pytest.raises(DomainError, match="does not allow proxies"):
        roll_call(live, coordinator, {member: "absent"}, proxies={member: coordinator})


def test_a_holder_carries_no_more_proxies_than_the_body_allows(live, coordinator, focal_point, member):
    roll_call(live, coordinator, {coordinator: "present", member: "absent"}, proxies={member: coordinator})
    with pytest.raises(DomainError, match="already carries as many proxies"):
        roll_call(live, coordinator, {focal_point: "absent"}, proxies={focal_point: coordinator})


def test_only_convened_seat_holders_answer_the_roll_call(live, coordinator, outsider):
    with pytest.raises(DomainError, match="holds no seat"):
        committee_live.record_attendance(coordinator, live, outsider.id, AttendanceStatus.PRESENT)


def test_the_roll_call_is_frozen_while_a_vote_is_open(live, coordinator, focal_point, member):
    roll_call(live, coordinator, {coordinator: "present", focal_point: "present"})
    motion_in_vote(live, coordinator)
    with pytest.raises(DomainError, match="cannot change while a vote is open"):
        roll_call(live, coordinator, {member: "present"})


def test_a_member_may_not_take_the_roll_call(live, focal_point, member):
    with pytest.raises(NotAllowed):
        committee_live.record_attendance(focal_point, live, member.id, AttendanceStatus.PRESENT)


def test_speakers_queue_in_order_and_the_chair_gives_the_floor(live, coordinator, focal_point, validator):
    committee_speakers.request_floor(focal_point, live)
    committee_speakers.request_floor(validator, live)  # observers speak too
    with pytest.raises(DomainError, match="already in the speakers' queue"):
        committee_speakers.request_floor(focal_point, live)
    assert committee_speakers.next_speaker(coordinator, live).user_id == focal_point.id
    assert committee_speakers.next_speaker(coordinator, live).user_id == validator.id
    queue = committee_speakers.queue_of(live)
    assert [(r.user_id, r.status) for r in queue] == [(validator.id, SpeakerStatus.SPEAKING)]
    assert committee_speakers.next_speaker(coordinator, live) is None  # the last speaker's turn ends
    with pytest.raises(DomainError, match="Nobody is waiting"):
        committee_speakers.next_speaker(coordinator, live)
    spoke = db.session.scalars(sa.select(SpeakerRequest).order_by(SpeakerRequest.id)).all()
    assert [r.status for r in spoke] == [SpeakerStatus.DONE, SpeakerStatus.DONE]
    assert all(r.agenda_item_id == live.items[0].id for r in spoke)


def test_a_speaker_withdraws_and_may_ask_again(live, focal_point):
    committee_speakers.request_floor(focal_point, live)
    committee_speakers.withdraw(focal_point, live)
    committee_speakers.request_floor(focal_point, live)
    statuses = db.session.scalars(sa.select(SpeakerRequest.status).order_by(SpeakerRequest.id)).all()
    assert statuses == [SpeakerStatus.WITHDRAWN, SpeakerStatus.WAITING]


def test_people_without_a_seat_or_outside_a_live_session_do_not_ask_for_the_floor(
    convened, live_body, outsider, focal_point
):
    with pytest.raises(NotAllowed):
        committee_speakers.request_floor(focal_point, convened)  # not opened yet
    with pytest.raises(NotAllowed):
        committee_speakers.request_floor(outsider, convened)


def test_the_database_keeps_one_place_per_person_and_one_speaker(live, focal_point, member):
    db.session.add(SpeakerRequest(session_id=live.id, user_id=focal_point.id))
    db.session.commit()
    db.session.add(SpeakerRequest(session_id=live.id, user_id=focal_point.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.execute(sa.update(SpeakerRequest).values(status=SpeakerStatus.SPEAKING))
    db.session.add(SpeakerRequest(session_id=live.id, user_id=member.id, status=SpeakerStatus.SPEAKING))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()


def test_closing_ends_the_floor_and_refuses_while_a_vote_is_open(live, coordinator, focal_point, member):
    roll_call(live, coordinator, {coordinator: "present", focal_point: "present"})
    committee_speakers.request_floor(member, live)
    motion = motion_in_vote(live, coordinator)
    with pytest.raises(DomainError, match="Close the vote"):
        committee_live.close_session(coordinator, live)
    committee_motions.close_vote(coordinator, motion)
    committee_live.close_session(coordinator, live)
    assert live.status == SessionStatus.CLOSED and live.closed_at and live.current_item_id is None
    assert committee_speakers.queue_of(live) == []
    assert actions()[-1] == "committee_session.close"
    with pytest.raises(DomainError, match="not in progress"):
        committee_live.take_up(coordinator, live, live.items[0].id)
