"""The links that carry a session from its live page to its follow-up: a closed session's live page leads to
its minutes and decisions, a carried motion offers its officers an action and the approval of the minutes
it names (on the live page and on the motion's page), and the minutes page opens with that motion chosen."""

from datetime import timedelta

import pytest

from ports_network.extensions import db
from ports_network.models import MotionStatus
from ports_network.models.base import utcnow
from ports_network.services import committee_minutes
from tests import factories
from tests.conftest import login_as
from tests.minutes_helpers import closed_meeting, later_approval_motion, ready_for_approval

EN = {"Accept-Language": "en"}


@pytest.fixture
def meeting(coordinator, member, focal_point):
    return closed_meeting(coordinator, member, focal_point)


def page(client, user, path: str) -> str:
    login_as(client, user)
    response = client.get(path, headers=EN)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_closed_session_s_live_page_leads_its_officers_to_write_the_minutes(client, meeting):
    live = f"/committees/sessions/{meeting.session.id}/live"
    shown = page(client, meeting.chair, live)
    assert 'id="live-closed"' in shown
    assert f'action="/committees/sessions/{meeting.session.id}/minutes"' in shown
    assert f'href="/committees/sessions/{meeting.session.id}#minutes-heading"' in shown
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    assert f'href="/committees/minutes/{minutes.id}"' in page(client, meeting.chair, live)


def test_a_closed_session_s_live_page_sends_its_members_to_the_decisions(client, meeting):
    shown = page(client, meeting.attendee, f"/committees/sessions/{meeting.session.id}/live")
    assert "The body's officers write the minutes from the session record." in shown
    assert f'href="/committees/sessions/{meeting.session.id}#minutes-heading"' in shown
    assert '/minutes"' not in shown.split('id="live-closed"')[1].split("</section>")[0]


def test_a_decision_on_the_live_page_offers_its_officers_an_action(client, meeting):
    session, motion = meeting.session, meeting.named
    shown = page(client, meeting.chair, f"/committees/sessions/{session.id}/live")
    new_action = f"/committees/{session.body_id}/action-items/new?session_id={session.id}"
    assert f'data-add-action-url="{new_action}"' in shown
    assert 'data-minutes-url="/committees/minutes/{id}"' in shown
    assert f'href="{new_action}&amp;motion_id={motion.id}"' in shown  # drawn without JavaScript too
    shown = page(client, meeting.attendee, f"/committees/sessions/{session.id}/live")
    assert "data-add-action-url" not in shown and "data-minutes-url" not in shown
    assert "data-follow-up" not in shown


def test_a_carried_motion_of_a_later_session_offers_the_approval_of_the_minutes_it_names(client, meeting):
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    motion = later_approval_motion(meeting.session, text="Approve the minutes of the First ordinary session.")
    offer = f'href="/committees/minutes/{minutes.id}?motion_id={motion.id}#approval"'
    words = "Record the approval of the minutes of First ordinary session"
    for path in (f"/committees/motions/{motion.id}", f"/committees/sessions/{motion.session_id}/live"):
        shown = page(client, meeting.chair, path)
        assert offer in shown and words in shown
        assert "data-follow-up" not in page(client, meeting.attendee, path)
    ready_for_approval(minutes, meeting.chair)
    shown = page(client, meeting.chair, f"/committees/minutes/{minutes.id}?motion_id={motion.id}")
    assert f'<option selected value="{motion.id}">' in shown and 'id="approval"' in shown


def test_approved_minutes_and_their_motion_link_to_each_other_and_are_offered_no_more(client, meeting):
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    motion = later_approval_motion(meeting.session, text="Approve the minutes of the First ordinary session.")
    ready_for_approval(minutes, meeting.chair)
    committee_minutes.approve_by_motion(minutes, motion, meeting.chair)
    shown = page(client, meeting.attendee, f"/committees/minutes/{minutes.id}")
    assert f'href="/committees/motions/{motion.id}"' in shown
    shown = page(client, meeting.chair, f"/committees/motions/{motion.id}")
    assert "Record the approval" not in shown
    assert "This motion approved the minutes of First ordinary session." in shown
    assert f'href="/committees/minutes/{minutes.id}"' in shown


def test_a_between_sessions_vote_s_page_offers_an_action_and_the_approval(client, meeting):
    minutes = committee_minutes.generate(meeting.chair, meeting.session)
    motion = factories.MotionFactory(
        session=None,
        body=meeting.session.body,
        between_sessions=True,
        closes_at=utcnow(),
        opened_at=utcnow(),
        status=MotionStatus.CARRIED,
        eligible_votes=3,
        required_turnout=2,
        text="The minutes are approved.",
    )
    shown = page(client, meeting.chair, f"/committees/motions/{motion.id}")
    assert f"/committees/minutes/{minutes.id}?motion_id={motion.id}#approval" in shown
    assert f"/committees/{motion.body_id}/action-items/new?motion_id={motion.id}" in shown


def test_an_action_from_a_decision_in_markdown_gets_the_decision_s_words_as_its_title(client, meeting):
    meeting.named.text = "Adopt the **work plan** 2026 & its [annex](https://example.org)."
    db.session.commit()
    path = (
        f"/committees/{meeting.session.body_id}/action-items/new"
        f"?session_id={meeting.session.id}&motion_id={meeting.named.id}"
    )
    shown = page(client, meeting.chair, path)
    assert 'value="Adopt the work plan 2026 &amp; its annex."' in shown


def test_the_session_page_highlights_its_overdue_actions_and_links_each_decision_to_its_vote(client, meeting):
    session = meeting.session
    factories.ActionItemFactory(
        body=session.body,
        session=session,
        motion=meeting.named,
        owner=meeting.attendee,
        title="Circulate the work plan",
        due_date=utcnow().date() - timedelta(days=3),
    )
    shown = page(client, meeting.attendee, f"/committees/sessions/{session.id}")
    assert '<tr class="overdue">' in shown and "Circulate the work plan" in shown
    assert f'href="/committees/motions/{meeting.named.id}"' in shown


def test_an_action_links_to_the_vote_it_came_from_for_those_who_may_see_it(client, meeting, other_member):
    item = factories.ActionItemFactory(
        body=meeting.session.body, session=meeting.session, motion=meeting.named, owner=other_member
    )
    link = f'href="/committees/motions/{meeting.named.id}"'
    assert link in page(client, meeting.chair, f"/action-items/{item.id}")
    assert link not in page(client, other_member, f"/action-items/{item.id}")  # the owner without a seat
