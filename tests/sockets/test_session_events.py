"""Live session events: every event authorised again, state stored before it is pushed, only officers drive,
only eligible members vote, one vote per member per motion, and refusals for the anonymous, people without
a seat and observers."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import Ballot, Motion, MotionStatus, Seat, SessionStatus, VoteChoice
from ports_network.models.base import utcnow
from ports_network.services import committee_live, committee_minutes, committee_motions
from tests import factories
from tests.conftest import login_as
from tests.live_sessions import motion_in_vote, roll_call
from tests.minutes_helpers import ready_for_approval


def _join(client, session) -> dict:
    return client.emit("session_join", {"session_id": session.id})


def _latest(client) -> dict:
    states = client.events("session_update")
    assert states, "no state was pushed"
    return states[-1]


@pytest.fixture
def quorate(live, coordinator, focal_point, member):
    roll_call(live, coordinator, {coordinator: "present", focal_point: "remote", member: "present"})
    return live


def test_an_attendee_joins_and_gets_the_state_in_the_acknowledgement(connect_as, live, focal_point):
    ack = _join(connect_as(focal_point), live)
    assert ack["ok"] and ack["state"]["status"] == "in_progress"
    assert ack["state"]["current_item_id"] == live.items[0].id
    assert ack["state"]["revision"] == live.live_revision


@pytest.mark.parametrize("who", ["other_member", "outsider"])
def test_people_without_a_seat_cannot_follow_a_session(connect_as, live, who, request):
    ack = _join(connect_as(request.getfixturevalue(who)), live)
    assert ack == {"ok": False, "error": "This session does not exist or you were not convened to it."}


def test_anonymous_sockets_are_refused(connect_as):
    assert not connect_as(None).is_connected()


def test_the_chair_opens_the_session_and_every_attendee_sees_it(
    connect_as, convened, coordinator, focal_point
):
    chair, attendee = connect_as(coordinator), connect_as(focal_point)
    assert _join(chair, convened)["ok"] and _join(attendee, convened)["ok"]
    assert chair.emit("session_open", {"session_id": convened.id}) == {"ok": True}
    pushed = _latest(attendee)
    assert pushed["session"]["status"] == "in_progress" and pushed["revision"] == 1
    assert pushed["speakers"] == [] and "motions" not in pushed  # none yet
    assert convened.status == SessionStatus.IN_PROGRESS  # stored before it was pushed


def test_roll_call_quorum_and_the_current_item_reach_every_attendee(
    connect_as, live, coordinator, focal_point, member
):
    chair, attendee = connect_as(coordinator), connect_as(member)
    _join(chair, live), _join(attendee, live)
    for person, status in ((coordinator, "present"), (focal_point, "remote")):
        ack = chair.emit(
            "session_roll_call", {"session_id": live.id, "person_id": person.id, "status": status}
        )
        assert ack == {"ok": True}
    assert _latest(attendee)["session"]["quorum"] == {
        "voting_seats": 3,
        "present": 1,
        "remote": 1,
        "proxies": 0,
        "represented": 2,
        "required": 2,
        "reached": True,
    }
    chair.emit("session_item", {"session_id": live.id, "item_id": live.items[1].id})
    pushed = _latest(attendee)
    assert pushed["session"]["current_item_id"] == live.items[1].id
    assert "speakers" not in pushed and "motions" not in pushed  # only what changed


@pytest.mark.parametrize(
    "attempt",
    [
        ("session_close", {}),
        ("session_item", {"item_id": 1}),
        ("session_next_speaker", {}),
        ("motion_propose", {"text": "Mine."}),
        ("session_roll_call", {"person_id": 1, "status": "present"}),
    ],
)
def test_only_officers_drive_the_session(connect_as, live, focal_point, validator, attempt):
    event, payload = attempt
    for person in (focal_point, validator):
        client = connect_as(person)
        _join(client, live)
        ack = client.emit(event, {"session_id": live.id, **payload})
        assert ack == {"ok": False, "error": "You are not allowed to do this."}
    assert live.status == SessionStatus.IN_PROGRESS
    assert db.session.scalar(sa.select(sa.func.count(Motion.id))) == 0


def test_a_bad_payload_is_refused_without_touching_anything(connect_as, live, coordinator):
    chair = connect_as(coordinator)
    for payload in (None, "x", {"session_id": "1"}, {"session_id": True}):
        assert chair.emit("session_open", payload)["ok"] is False
    assert (
        chair.emit("session_roll_call", {"session_id": live.id, "person_id": 1, "status": "here"})["ok"]
        is False
    )


def test_attendees_join_the_queue_and_the_chair_gives_the_floor(connect_as, live, coordinator, validator):
    chair, observer = connect_as(coordinator), connect_as(validator)
    _join(chair, live), _join(observer, live)
    assert observer.emit("session_floor", {"session_id": live.id}) == {"ok": True}
    waiting = _latest(chair)["speakers"]
    assert [(s["user_id"], s["name"], s["status"]) for s in waiting] == [
        (validator.id, validator.name, "waiting")
    ]
    assert chair.emit("session_next_speaker", {"session_id": live.id}) == {"ok": True}
    assert _latest(observer)["speakers"][0]["status"] == "speaking"
    assert observer.emit("session_floor_withdraw", {"session_id": live.id}) == {"ok": True}
    assert _latest(chair)["speakers"] == []


def _motion(chair, session, method="named") -> int:
    assert chair.emit("motion_propose", {"session_id": session.id, "text": "Adopt the work plan."})["ok"]
    motion_id = db.session.scalar(sa.select(Motion.id).order_by(Motion.id.desc()))
    assert chair.emit("motion_open_vote", {"motion_id": motion_id, "method": method}) == {"ok": True}
    return motion_id


def test_a_named_vote_from_opening_to_the_result_seen_by_all(
    connect_as, quorate, coordinator, focal_point, member
):
    chair, first, second = connect_as(coordinator), connect_as(focal_point), connect_as(member)
    for client in (chair, first, second):
        _join(client, quorate)
    motion_id = _motion(chair, quorate)
    opened = _latest(second)["motions"][0]
    assert (opened["status"], opened["method"], opened["eligible_votes"]) == ("voting", "named", 3)
    assert first.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"}) == {"ok": True}
    assert _latest(chair)["motions"][0]["voted"] == [focal_point.id]
    second.emit("motion_vote", {"motion_id": motion_id, "choice": "no"})
    chair.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"})  # the last ballot closes it
    for client in (chair, first, second):
        result = _latest(client)["motions"][0]
        assert result["status"] == "carried" and result["totals"] == {"yes": 2, "no": 1, "abstain": 0}


def test_one_vote_per_member_per_motion(connect_as, quorate, coordinator, focal_point):
    chair, voter = connect_as(coordinator), connect_as(focal_point)
    _join(chair, quorate), _join(voter, quorate)
    motion_id = _motion(chair, quorate)
    assert voter.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"})["ok"]
    ack = voter.emit("motion_vote", {"motion_id": motion_id, "choice": "no"})
    assert ack == {"ok": False, "error": "You have already voted on this motion."}
    assert [b.choice.value for b in db.session.scalars(sa.select(Ballot))] == ["yes"]


@pytest.mark.parametrize("who", ["validator", "other_member", "secretariat"])
def test_observers_strangers_and_administrators_do_not_vote(connect_as, quorate, coordinator, who, request):
    chair, person = connect_as(coordinator), connect_as(request.getfixturevalue(who))
    _join(chair, quorate), _join(person, quorate)
    motion_id = _motion(chair, quorate)
    assert person.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"})["ok"] is False
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_a_member_who_loses_their_seat_is_refused_and_leaves_the_channel(
    connect_as, quorate, coordinator, member
):
    chair, leaving = connect_as(coordinator), connect_as(member)
    _join(chair, quorate), _join(leaving, quorate)
    motion_id = _motion(chair, quorate)
    seat = db.session.scalars(sa.select(Seat).where(Seat.user_id == member.id)).one()
    seat.end_date = utcnow().date() - timedelta(days=1)  # ended yesterday: neither today's nor the session's
    db.session.commit()
    ack = leaving.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"})
    assert ack == {"ok": False, "error": "This session does not exist or you were not convened to it."}
    leaving.events("session_update")
    chair.emit("session_floor", {"session_id": quorate.id})
    assert leaving.events("session_update") == []  # no longer told anything
    assert db.session.get(Motion, motion_id).status == MotionStatus.VOTING


def test_show_of_hands_recorded_by_the_secretary_is_seen_live(connect_as, quorate, coordinator, focal_point):
    chair, attendee = connect_as(coordinator), connect_as(focal_point)
    _join(chair, quorate), _join(attendee, quorate)
    motion_id = _motion(chair, quorate, "show_of_hands")
    ack = chair.emit("motion_hand", {"motion_id": motion_id, "voter_id": focal_point.id, "choice": "abstain"})
    assert ack == {"ok": True}
    assert _latest(attendee)["motions"][0]["ballots"][0]["choice"] == "abstain"
    refused = attendee.emit(
        "motion_hand", {"motion_id": motion_id, "voter_id": focal_point.id, "choice": "yes"}
    )
    assert refused["ok"] is False
    assert chair.emit("motion_close_vote", {"motion_id": motion_id}) == {"ok": True}
    assert _latest(attendee)["motions"][0]["status"] == "rejected"  # no yes at all


def test_no_payload_of_a_secret_ballot_names_a_choice(connect_as, quorate, coordinator, focal_point, member):
    chair, first, second = connect_as(coordinator), connect_as(focal_point), connect_as(member)
    for client in (chair, first, second):
        _join(client, quorate)
    motion_id = _motion(chair, quorate, "secret")
    for client in (chair, first, second):
        client.events("session_update")
    acks = [
        first.emit("motion_vote", {"motion_id": motion_id, "choice": "no"}),
        second.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"}),
    ]
    assert acks == [{"ok": True}, {"ok": True}]
    for state in chair.events("session_update"):
        motion = state["motions"][0]
        assert motion["status"] == "voting" and motion["ballots"] == [] and motion["totals"] is None
        assert not {"no", "yes"} & set(json.dumps(motion).replace('"', " ").split())
    chair.emit("motion_vote", {"motion_id": motion_id, "choice": "yes"})
    result = _latest(first)["motions"][0]
    assert result["totals"] == {"yes": 2, "no": 1, "abstain": 0} and result["ballots"] == []


def test_recording_the_approval_of_minutes_takes_the_offer_off_the_live_result(
    app, connect_as, quorate, coordinator, focal_point
):
    earlier = factories.CommitteeSessionFactory(
        body=quorate.body,
        title="Extraordinary session",
        status=SessionStatus.CLOSED,
        starts_at=utcnow() - timedelta(days=2),
    )
    minutes = factories.MinutesFactory(session=earlier)
    ready_for_approval(minutes, coordinator)
    committee_live.take_up(coordinator, quorate, quorate.items[1].id)  # a decision item
    motion = motion_in_vote(quorate, coordinator, text="Approve the minutes of the Extraordinary session.")
    for person in (coordinator, focal_point):
        committee_motions.cast(person, motion, VoteChoice.YES)
    committee_motions.close_vote(coordinator, motion)
    attendee = connect_as(focal_point)
    [shown] = _join(attendee, quorate)["state"]["motions"]
    assert shown["status"] == "carried"
    assert shown["minutes"] == [{"id": minutes.id, "session": "Extraordinary session"}]
    officer = app.test_client()
    login_as(officer, coordinator)
    officer.post(f"/committees/minutes/{minutes.id}/approve", data={"motion_id": motion.id})
    assert committee_minutes.get(minutes.id).is_approved
    assert _latest(attendee)["motions"] == [{**shown, "minutes": []}]
