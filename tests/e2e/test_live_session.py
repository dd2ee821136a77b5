"""A chair and two members govern the Transitional Directive Committee in three browsers, from the demo
seed's scheduled session to locked minutes.

First test: the chair convenes and opens the session, takes the roll call until the quorum is reached, takes
up an item, records a motion and puts it to a named vote; the members see each step as it happens, vote,
and everyone sees the result; the chair adds an action from the decision and closes the session.
Second test (continuing on the same server, or running the first one itself when alone on its worker): the
chair writes the minutes from the closed session, edits them and opens and closes the amendment window,
holds a second session whose carried motion approves them, records the approval from that motion's result,
and the minutes are locked: SHA-256, PDF and HTML downloads, and an edit refused.
Real server (`python wsgi.py`), headless Chromium, the demo seed's body and session."""

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from ports_network.models.base import utcnow

from .test_membership_journey import sign_in
from .test_rooms_offline import PASSWORD, watch_for_errors

pytestmark = pytest.mark.e2e

CHAIR = "coordinator.callao@demo.puertos.example"  # chair of the directive committee
MEMBER = "focal.callao@demo.puertos.example"  # voting member
VICE_CHAIR = "coordinator.cartagena@demo.puertos.example"  # votes like any member
FIRST = "Primera sesión ordinaria"
SECOND = "Segunda sesión ordinaria"
ACTION = "Preparar el proyecto de estatutos de la asociación regional"
CARTAGENA = "Comunidad Logística Portuaria de Cartagena"


def _scalar(live_server, query: str, **params):
    with live_server.engine.connect() as connection:
        return connection.execute(sa.text(query), params).scalar_one()


def _session_id(live_server, title: str) -> int:
    return _scalar(live_server, "SELECT id FROM committee_session WHERE title = :t", t=title)


def _status(live_server, session_id: int) -> str:
    return _scalar(live_server, "SELECT status FROM committee_session WHERE id = :i", i=session_id)


def _locked_text(live_server, minutes_id: int) -> str:
    return _scalar(live_server, "SELECT locked_text FROM committee_minutes WHERE id = :i", i=minutes_id)


def _people(live_server) -> dict[str, int]:
    with live_server.engine.connect() as connection:
        return dict(
            connection.execute(
                sa.text("SELECT email, id FROM user_account WHERE email IN (:a, :b, :c)"),
                {"a": CHAIR, "b": MEMBER, "c": VICE_CHAIR},
            ).all()
        )


def open_live_page(page, base_url: str, email: str, session_id: int) -> None:
    """Sign in (the demo people work in Spanish) and follow the session live."""
    sign_in(page, base_url, email, PASSWORD, button="Iniciar sesión")
    page.goto(f"{base_url}/committees/sessions/{session_id}/live")
    expect(page.locator("#live")).to_have_attribute("data-connection", "online")


def convene_and_open(chair, base_url: str, session_id: int) -> None:
    """The chair convenes the session from its page and opens it on the live page."""
    chair.goto(f"{base_url}/committees/sessions/{session_id}")
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.locator(f"form[action$='/sessions/{session_id}/convene'] button").click()
    expect(chair.locator(".flash-success")).to_be_visible()
    chair.goto(f"{base_url}/committees/sessions/{session_id}/live")
    chair.locator(f"form[action$='/sessions/{session_id}/open'] button").click()
    expect(chair.locator("#live")).to_have_attribute("data-status", "in_progress")
    expect(chair.locator("#live")).to_have_attribute("data-connection", "online")


def take_the_roll_call(chair, watchers, people: dict[str, int]) -> None:
    """Three of the four voting seats present make the quorum (a majority), seen by everyone."""
    expect(watchers[0].locator("#live-quorum")).to_have_attribute("data-reached", "false")
    for email in (CHAIR, MEMBER, VICE_CHAIR):
        chair.locator(f"#roll-status-{people[email]}").select_option("present")
        expect(
            watchers[0].locator(f"#live-roll tr[data-person-id='{people[email]}'] [data-cell=status]")
        ).not_to_have_text(re.compile("^No "))
    for page in (chair, *watchers):
        expect(page.locator("#live-quorum")).to_have_attribute("data-reached", "true")
        expect(page.locator("#live-quorum")).to_contain_text("3")


def carry_a_named_motion(chair, member, vice, people: dict[str, int], text: str) -> None:
    """The chair records a motion (moved by the member, seconded by the vice-chair) and puts it to a named
    vote; each votes from their own browser, the last ballot closes it, everyone sees it carried."""
    chair.locator("#live-new-motion summary").click()
    chair.locator("#live-motion-form textarea[name=text]").fill(text)
    chair.locator("#live-motion-form select[name=mover_id]").select_option(str(people[MEMBER]))
    chair.locator("#live-motion-form select[name=seconder_id]").select_option(str(people[VICE_CHAIR]))
    chair.locator("#live-motion-form button[type=submit]").click()
    expect(member.locator("article.live-motion").last).to_have_attribute("data-status", "proposed")
    chair.locator("article.live-motion select[data-role=method]").select_option("named")
    chair.locator("article.live-motion [data-action=open-vote]").click()
    for page, choice in ((member, "yes"), (vice, "yes")):
        card = page.locator("article.live-motion").last
        expect(card).to_have_attribute("data-status", "voting")
        card.locator(f"[data-action=vote][data-choice={choice}]").click()
        expect(card.locator("[data-cell=voted]")).to_be_visible()
    expect(chair.locator("article.live-motion").last.locator("[data-cell=progress]")).to_contain_text("2")
    chair.locator("article.live-motion").last.locator("[data-action=vote][data-choice=no]").click()
    for page in (chair, member, vice):
        card = page.locator("article.live-motion").last
        expect(card).to_have_attribute("data-status", "carried")
        expect(card.locator("[data-cell=result]")).to_contain_text("2")
        expect(card.locator(".live-ballots li")).to_have_count(3)
    expect(vice.locator("#live-announcement")).to_be_visible()


def close_the_session(chair, watchers, session_id: int) -> None:
    """The chair closes the session; every page turns to the closed session and what comes next."""
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.locator(f"form[action$='/sessions/{session_id}/close'] button").click()
    for page in (chair, *watchers):
        expect(page.locator("#live")).to_have_attribute("data-status", "closed")
        expect(page.locator("#live-closed")).to_be_visible()


def run_the_first_session(live_server, new_page) -> None:
    """The first test's journey: the demo's scheduled session run live from convening to closing."""
    session_id, people = _session_id(live_server, FIRST), _people(live_server)
    chair, member, vice = (new_page(locale="es-PE") for _ in range(3))
    problems = [watch_for_errors(page) for page in (chair, member, vice)]

    sign_in(chair, live_server.url, CHAIR, PASSWORD, button="Iniciar sesión")
    convene_and_open(chair, live_server.url, session_id)
    open_live_page(member, live_server.url, MEMBER, session_id)
    open_live_page(vice, live_server.url, VICE_CHAIR, session_id)
    take_the_roll_call(chair, [member, vice], people)

    # The chair takes up the fourth item; the members' pages follow.
    item = "Propuesta de constitución de la Red como asociación regional sin fines de lucro"
    chair.locator("#live-agenda li").filter(has_text=item).locator("[data-action=take-up]").click()
    for page in (member, vice):
        expect(page.locator("#live-current-item")).to_contain_text(item)
        expect(page.locator("#live-agenda li[aria-current=step]")).to_contain_text(item)

    carry_a_named_motion(chair, member, vice, people, "Constituir la Red como **asociación regional**.")
    expect(member.locator("article.live-motion strong").first).to_have_text("asociación regional")
    expect(member.locator("[data-follow-up]")).to_have_count(0)  # follow-up is the officers' business

    # A reload shows the same state, read from the database.
    member.reload()
    expect(member.locator("article.live-motion")).to_have_attribute("data-status", "carried")
    expect(member.locator("#live-quorum")).to_have_attribute("data-reached", "true")

    # From the decision's result the chair adds an action: its title is the decision's text, unmarked.
    chair.locator("article.live-motion [data-follow-up=add-action]").click()
    expect(chair.locator("input[name=title]")).to_have_value("Constituir la Red como asociación regional.")
    chair.locator("input[name=title]").fill(ACTION)
    chair.locator("select[name=owner_id]").select_option(str(people[VICE_CHAIR]))
    chair.locator("input[name=due_date]").fill((utcnow() + timedelta(days=45)).date().isoformat())
    chair.locator("select[name=community_id]").select_option(
        label="Comunidad Logística Portuaria de Cartagena"
    )
    chair.locator("main form button[type=submit]").click()
    expect(chair.locator("h1")).to_have_text(ACTION)
    expect(chair.locator("main")).to_contain_text(FIRST)

    chair.goto(f"{live_server.url}/committees/sessions/{session_id}/live")
    expect(chair.locator("#live")).to_have_attribute("data-connection", "online")
    close_the_session(chair, [member, vice], session_id)
    assert problems == [[], [], []]


def test_a_chair_and_two_members_run_a_session_live(live_server, new_page):
    run_the_first_session(live_server, new_page)
    session_id = _session_id(live_server, FIRST)
    assert _status(live_server, session_id) == "closed"
    owner = _scalar(live_server, "SELECT owner_id FROM action_item WHERE title = :t", t=ACTION)
    assert owner == _people(live_server)[VICE_CHAIR]


def write_and_prepare_the_minutes(chair, base_url: str, session_id: int) -> int:
    """From the closed session's live page the chair writes the minutes, edits them, and opens and closes
    the amendment window; returns the minutes' id."""
    chair.goto(f"{base_url}/committees/sessions/{session_id}/live")
    chair.locator("#live-closed form button").click()
    text = chair.locator(".minutes-text")
    for expected in ("asociación regional", "Presente", ACTION):
        expect(text).to_contain_text(expected)
    minutes_id = int(re.search(r"/minutes/(\d+)", chair.url).group(1))
    chair.locator(f"a[href$='/minutes/{minutes_id}/edit']").click()
    draft = chair.locator("textarea[name=text]")
    draft.fill(draft.input_value() + "\nLa sesión se levantó a las 12:00.\n")
    chair.locator("input[name=note]").fill("Hora de cierre")
    chair.locator("main form button[type=submit]").click()
    expect(text).to_contain_text("La sesión se levantó a las 12:00.")
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    chair.locator("input[name=close_date]").fill(tomorrow)
    chair.locator("input[name=close_time]").fill("18:00")
    chair.locator(f"form[action$='/minutes/{minutes_id}/window'] button").click()
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.locator(f"form[action$='/minutes/{minutes_id}/window/close'] button").click()
    expect(chair.locator(f"form[action$='/minutes/{minutes_id}/approve']")).to_be_visible()
    return minutes_id


def schedule_the_second_session(chair, base_url: str, body_id: int) -> int:
    """The chair schedules tomorrow's session with the approval of the minutes as a decision item."""
    chair.goto(f"{base_url}/committees/{body_id}/sessions/new")
    chair.locator("input[name=title]").fill(SECOND)
    chair.locator("select[name=kind]").select_option("online")
    chair.locator("select[name=time_zone]").select_option("America/Lima")
    chair.locator("input[name=start_date]").fill((utcnow() + timedelta(days=2)).date().isoformat())
    chair.locator("input[name=start_time]").fill("10:00")
    chair.locator("input[name=link]").fill("https://meet.example.org/comite-directivo")
    chair.locator("main form button[type=submit]").click()
    chair.locator("input[name=title]").fill(f"Aprobación del acta de la {FIRST}")
    chair.locator("select[name=kind]").select_option("decision")
    chair.locator("main form button[type=submit]").last.click()
    expect(chair.locator("ol.agenda-editor")).to_contain_text("Aprobación del acta")
    return int(re.search(r"/sessions/(\d+)/agenda", chair.url).group(1))


def test_the_minutes_are_written_approved_at_the_next_session_and_locked(live_server, new_page):
    first_id = _session_id(live_server, FIRST)
    if _status(live_server, first_id) == "scheduled":
        run_the_first_session(live_server, new_page)  # alone on its test worker
    body_id = _scalar(live_server, "SELECT body_id FROM committee_session WHERE id = :i", i=first_id)
    people = _people(live_server)
    chair, member, vice = (new_page(locale="es-PE") for _ in range(3))
    problems = [watch_for_errors(page) for page in (chair, member, vice)]
    sign_in(chair, live_server.url, CHAIR, PASSWORD, button="Iniciar sesión")
    minutes_id = write_and_prepare_the_minutes(chair, live_server.url, first_id)
    stale_edit = chair.context.new_page()  # an edit form left open in another tab
    stale_edit.goto(f"{live_server.url}/committees/minutes/{minutes_id}/edit")

    second_id = schedule_the_second_session(chair, live_server.url, body_id)
    convene_and_open(chair, live_server.url, second_id)
    open_live_page(member, live_server.url, MEMBER, second_id)
    open_live_page(vice, live_server.url, VICE_CHAIR, second_id)
    take_the_roll_call(chair, [member, vice], people)
    carry_a_named_motion(chair, member, vice, people, f"Aprobar el acta de la {FIRST}.")

    # The carried motion offers the officers to record the approval; the minutes page has it chosen.
    expect(member.locator("[data-follow-up=approve-minutes]")).to_have_count(0)
    chair.locator("[data-follow-up=approve-minutes]").click()
    expect(chair.locator("select[name=motion_id] option:checked")).to_contain_text("Aprobar el acta")
    chair.once("dialog", lambda dialog: dialog.accept())
    chair.locator(f"form[action$='/minutes/{minutes_id}/approve'] button").click()
    expect(chair.locator(".flash-success")).to_be_visible()

    # Locked: the hash of the approved text, the downloads, no edit button, and the stale edit refused.
    locked = _locked_text(live_server, minutes_id)
    digest = hashlib.sha256(locked.encode("utf-8")).hexdigest()
    expect(chair.locator("code.hash")).to_have_text(digest)
    assert "La sesión se levantó a las 12:00." in locked
    expect(chair.locator(f"a[href$='/minutes/{minutes_id}/edit']")).to_have_count(0)
    for extension, magic in (("pdf", b"%PDF"), ("html", b"<!doctype html>")):
        with chair.expect_download() as download:
            chair.locator(f"a[href$='/minutes/{minutes_id}/minutes.{extension}']").click()
        assert digest[:12] in download.value.suggested_filename
        assert Path(download.value.path()).read_bytes().startswith(magic)
    stale_edit.locator("textarea[name=text]").fill("Otro texto.")
    with stale_edit.expect_response(re.compile(r"/edit$")) as refused:
        stale_edit.locator("main form button[type=submit]").click()
    assert refused.value.status == 403
    assert (
        _scalar(live_server, "SELECT locked_text FROM committee_minutes WHERE id = :i", i=minutes_id)
        == locked
    )

    # Every member of the network reads the approved minutes and their hash.
    member.goto(f"{live_server.url}/committees/minutes/{minutes_id}")
    expect(member.locator("code.hash")).to_have_text(digest)
    assert problems == [[], [], []]
