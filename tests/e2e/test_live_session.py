"""A chair and two members run a session of the Transitional Directive Committee in three browsers: the chair
convenes and opens it, takes the roll call until the quorum is reached, takes up an item, records a motion
and puts it to a named vote; the members see each step as it happens, vote, and everyone sees the result.
Real server (`python wsgi.py`), headless Chromium, the demo seed's body and session."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .test_membership_journey import sign_in
from .test_rooms_offline import PASSWORD, watch_for_errors

pytestmark = pytest.mark.e2e

CHAIR = "coordinator.callao@demo.puertos.example"  # chair of the directive committee
MEMBER = "focal.callao@demo.puertos.example"  # voting member
VICE_CHAIR = "coordinator.cartagena@demo.puertos.example"  # votes like any member


def _ids(live_server) -> tuple[int, dict[str, int]]:
    with live_server.engine.connect() as connection:
        session_id = connection.execute(
            sa.text("SELECT id FROM committee_session WHERE title = 'Primera sesión ordinaria'")
        ).scalar_one()
        people = dict(
            connection.execute(
                sa.text("SELECT email, id FROM user_account WHERE email IN (:a, :b, :c)"),
                {"a": CHAIR, "b": MEMBER, "c": VICE_CHAIR},
            ).all()
        )
    return session_id, people


def open_live_page(page, base_url: str, email: str, session_id: int) -> None:
    """Sign in (the demo people work in Spanish) and follow the session live."""
    sign_in(page, base_url, email, PASSWORD, button="Iniciar sesión")
    page.goto(f"{base_url}/committees/sessions/{session_id}/live")
    expect(page.locator("#live")).to_have_attribute("data-connection", "online")


def test_a_chair_and_two_members_run_a_session_live(live_server, new_page):
    session_id, people = _ids(live_server)
    chair, member, vice = (new_page(locale="es-PE") for _ in range(3))
    problems = [watch_for_errors(page) for page in (chair, member, vice)]

    sign_in(chair, live_server.url, CHAIR, PASSWORD, button="Iniciar sesión")
    chair.goto(f"{live_server.url}/committees/sessions/{session_id}")
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.locator(f"form[action$='/sessions/{session_id}/convene'] button").click()
    chair.goto(f"{live_server.url}/committees/sessions/{session_id}/live")
    chair.locator(f"form[action$='/sessions/{session_id}/open'] button").click()
    expect(chair.locator("#live")).to_have_attribute("data-status", "in_progress")
    expect(chair.locator("#live")).to_have_attribute("data-connection", "online")
    open_live_page(member, live_server.url, MEMBER, session_id)
    open_live_page(vice, live_server.url, VICE_CHAIR, session_id)

    # Roll call: three of the four voting seats present make the quorum (a majority), seen by everyone.
    expect(member.locator("#live-quorum")).to_have_attribute("data-reached", "false")
    for email in (CHAIR, MEMBER, VICE_CHAIR):
        chair.locator(f"#roll-status-{people[email]}").select_option("present")
        expect(
            member.locator(f"#live-roll tr[data-person-id='{people[email]}'] [data-cell=status]")
        ).not_to_have_text(re.compile("^No "))
    for page in (chair, member, vice):
        expect(page.locator("#live-quorum")).to_have_attribute("data-reached", "true")
        expect(page.locator("#live-quorum")).to_contain_text("3")

    # The chair takes up the fourth item; the members' pages follow.
    item = "Propuesta de constitución de la Red como asociación regional sin fines de lucro"
    chair.locator("#live-agenda li").filter(has_text=item).locator("[data-action=take-up]").click()
    for page in (member, vice):
        expect(page.locator("#live-current-item")).to_contain_text(item)
        expect(page.locator("#live-agenda li[aria-current=step]")).to_contain_text(item)

    # A motion with mover and seconder, put to a named vote.
    chair.locator("#live-new-motion summary").click()
    chair.locator("#live-motion-form textarea[name=text]").fill(
        "Constituir la Red como **asociación regional**."
    )
    chair.locator("#live-motion-form select[name=mover_id]").select_option(str(people[MEMBER]))
    chair.locator("#live-motion-form select[name=seconder_id]").select_option(str(people[VICE_CHAIR]))
    chair.locator("#live-motion-form button[type=submit]").click()
    motion = member.locator("article.live-motion")
    expect(motion).to_have_attribute("data-status", "proposed")
    expect(motion.locator("strong").first).to_have_text("asociación regional")
    chair.locator("article.live-motion select[data-role=method]").select_option("named")
    chair.locator("article.live-motion [data-action=open-vote]").click()

    # Each votes from their own browser; the last ballot closes the vote and everyone sees the result.
    for page, choice in ((member, "yes"), (vice, "yes")):
        expect(page.locator("article.live-motion")).to_have_attribute("data-status", "voting")
        page.locator(f"article.live-motion [data-action=vote][data-choice={choice}]").click()
        expect(page.locator("article.live-motion [data-cell=voted]")).to_be_visible()
    expect(chair.locator("article.live-motion [data-cell=progress]")).to_contain_text("2")
    chair.locator("article.live-motion [data-action=vote][data-choice=no]").click()
    for page in (chair, member, vice):
        card = page.locator("article.live-motion")
        expect(card).to_have_attribute("data-status", "carried")
        expect(card.locator("[data-cell=result]")).to_contain_text("2")
        expect(card.locator(".live-ballots li")).to_have_count(3)
    expect(vice.locator("#live-announcement")).to_be_visible()

    # A reload shows the same state, read from the database.
    member.reload()
    expect(member.locator("article.live-motion")).to_have_attribute("data-status", "carried")
    expect(member.locator("#live-quorum")).to_have_attribute("data-reached", "true")
    assert problems == [[], [], []]
