"""Guards generated from app.url_map: every route has an authorisation expectation for every persona,
and every state-changing route refuses a request without a CSRF token.

A new route without an entry in EXPECTATIONS makes `test_every_route_has_an_expectation` fail.
"""

import io
from datetime import timedelta

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage

from ports_network import create_app
from ports_network.extensions import db
from ports_network.models import (
    EventKind,
    EventSpeaker,
    Invitation,
    JoinRequest,
    MaterialAccess,
    MaterialType,
    Membership,
    MinutesAmendment,
    Motion,
    Notification,
    OutboxMail,
    PeerGroup,
    SessionStatus,
)
from ports_network.models.base import utcnow
from ports_network.services import api_tokens, materials, rooms, storage

from .. import factories
from ..conftest import login_as
from ..file_samples import image_bytes
from ..material_samples import add_material, mp4_bytes, upload, vtt

PERSONAS = ("anonymous", "member", "coordinator", "secretariat")
OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", 403, 404
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# (anonymous, member, coordinator, secretariat). OK = the guard let the request through (the view may
# still answer 400/422 for the empty test input); LOGIN = redirected to sign in.
SIGNED_IN = (LOGIN, OK, OK, OK)
PUBLIC = (OK, OK, OK, OK)
SECRETARIAT = (LOGIN, FORBIDDEN, FORBIDDEN, OK)
COORDINATOR = (LOGIN, FORBIDDEN, OK, OK)
# The JSON API answers 401 with a Bearer challenge, never a redirect to the sign-in page.
API_SIGNED_IN = (401, OK, OK, OK)
API_REPORTER = (401, FORBIDDEN, OK, FORBIDDEN)  # the community's coordinators and focal points

EXPECTATIONS = {
    "main.index": PUBLIC,
    "main.about": PUBLIC,
    "main.health": PUBLIC,
    "main.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.confirm_email": PUBLIC,
    "auth.confirm_email_change": PUBLIC,
    "auth.resend_confirmation": SIGNED_IN,
    "auth.logout": PUBLIC,
    "account.profile": SIGNED_IN,
    "account.edit": SIGNED_IN,
    "account.email": SIGNED_IN,
    "account.password": SIGNED_IN,
    "account.privacy": SIGNED_IN,
    "account.picture": SIGNED_IN,
    "account.remove_picture": SIGNED_IN,
    "account.download_data": SIGNED_IN,
    "account.delete": SIGNED_IN,
    "account.api_tokens": SIGNED_IN,
    "account.revoke_api_token": (LOGIN, OK, HIDDEN, HIDDEN),  # the world's token is the member's
    "api.data_call_list": API_SIGNED_IN,
    "api.data_call": API_SIGNED_IN,
    "api.community_submission": API_SIGNED_IN,
    "api.open_submission": API_SIGNED_IN,  # the world's submission exists: opening it gets it
    "api.submission": API_SIGNED_IN,
    "api.save_values": API_REPORTER,
    "api.submit": API_REPORTER,
    "api.result_list": PUBLIC,
    "api.result": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),  # nothing is published in the world
    "api.methodology": PUBLIC,
    "api.openapi_json": PUBLIC,
    "api_docs.index": PUBLIC,
    "communities.index": PUBLIC,
    "communities.show": PUBLIC,
    "communities.join": (LOGIN, FORBIDDEN, FORBIDDEN, OK),
    "communities.withdraw_request": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),  # only the requester
    "communities.accept_invitation": PUBLIC,  # an invalid token is refused before anything else
    "communities.leave": (LOGIN, OK, OK, FORBIDDEN),
    "communities.members": (LOGIN, OK, OK, OK),
    "communities.manage": COORDINATOR,
    "communities.requests": COORDINATOR,
    "communities.decide": COORDINATOR,
    "communities.invitations_page": COORDINATOR,
    "communities.revoke_invitation": COORDINATOR,
    "communities.change_role": COORDINATOR,
    "communities.remove_member": COORDINATOR,
    "communities.audit_log": COORDINATOR,
    "directory.index": (LOGIN, OK, OK, OK),
    "directory.profile": (HIDDEN, OK, OK, OK),  # a person's existence is private
    "notifications.index": SIGNED_IN,
    "notifications.preferences": SIGNED_IN,
    "notifications.unread_count": SIGNED_IN,
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.mark_read": (LOGIN, OK, HIDDEN, HIDDEN),
    "notifications.open_notice": (LOGIN, OK, HIDDEN, HIDDEN),
    "rooms.index": SIGNED_IN,
    "rooms.show": SIGNED_IN,  # a member of the room's community; others get 404 (test_rooms.py)
    "rooms.post": SIGNED_IN,
    "rooms.history": SIGNED_IN,
    # The world's message is the member's: only its author changes it, others report it.
    "rooms.edit_message": (LOGIN, OK, FORBIDDEN, FORBIDDEN),
    "rooms.delete_message": (LOGIN, OK, FORBIDDEN, FORBIDDEN),
    "rooms.report_message": (LOGIN, FORBIDDEN, OK, OK),
    "rooms.revisions": COORDINATOR,
    "rooms.reports": COORDINATOR,
    "rooms.hide_message": COORDINATOR,
    "rooms.dismiss_reports": COORDINATOR,
    "rooms.mute": COORDINATOR,
    "rooms.read_only": COORDINATOR,
    "rooms.open_topic": COORDINATOR,
    "rooms.archive": COORDINATOR,  # any room's moderator; the service archives topic rooms only
    "rooms.search": SIGNED_IN,
    "submissions.calls": SIGNED_IN,  # network members; the list holds the calls naming their communities
    "submissions.new_call": SECRETARIAT,
    "submissions.call": (HIDDEN, OK, OK, OK),  # the world's call names the personas' community
    "submissions.edit_call": SECRETARIAT,
    "submissions.close_call": SECRETARIAT,
    "submissions.reopen_call": SECRETARIAT,
    # The world's submission is a draft of the personas' community: members see it, reporters edit it,
    # no review step is open yet; people signed out do not learn it exists.
    "submissions.start": (HIDDEN, OK, OK, OK),  # it exists already: those who may see it are taken to it
    "submissions.show": (HIDDEN, OK, OK, OK),
    "submissions.history": (HIDDEN, OK, OK, OK),
    "submissions.save": (HIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "submissions.check": (HIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "submissions.submit": (HIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "submissions.evidence": (HIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "submissions.comment": (HIDDEN, OK, OK, OK),
    "submissions.return": (HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "submissions.validate": (HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "submissions.accept": (HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "submissions.reopen": (HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "submissions.template_xlsx": (HIDDEN, OK, OK, OK),
    "submissions.template_csv": (HIDDEN, OK, OK, OK),
    "submissions.upload": (HIDDEN, FORBIDDEN, OK, FORBIDDEN),
    # The world's file is a logo, not a spreadsheet uploaded for the submission (test_index_spreadsheets).
    "submissions.upload_report": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "submissions.confirm_upload": (HIDDEN, FORBIDDEN, HIDDEN, FORBIDDEN),
    "submissions.results_admin": SECRETARIAT,
    "submissions.recompute": SECRETARIAT,  # nothing is published in the world: refused with a message
    "submissions.publish": SECRETARIAT,  # the world's call has nothing accepted: the page says so
    "submissions.methodologies_list": SECRETARIAT,
    "submissions.methodologies_import": SECRETARIAT,  # no file sent: refused with a message
    "submissions.methodology_preview": SECRETARIAT,
    "submissions.methodology_export": SECRETARIAT,
    "submissions.methodology_new_draft": SECRETARIAT,  # no version given: refused with a message
    "submissions.methodology_freeze": SECRETARIAT,  # the world's version is frozen: refused with a message
    "results.index": PUBLIC,  # nothing is published in the world: the page says so
    "results.edition": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),  # nothing published; test_results.py covers it
    "results.methodology": PUBLIC,  # the world's version is frozen
    "results.download_csv": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "results.download_xlsx": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "results.download_dictionary": (HIDDEN, HIDDEN, HIDDEN, HIDDEN),
    "results.scorecard": (HIDDEN, OK, OK, OK),  # the community's members and the Secretariat
    "committees.index": PUBLIC,  # the public sees active bodies' names and mandates
    "committees.new_body": SECRETARIAT,
    "committees.show": (LOGIN, OK, OK, OK),  # network members
    "committees.edit_body": SECRETARIAT,
    "committees.seats": SECRETARIAT,
    "committees.edit_seat": SECRETARIAT,
    # The world's body is chaired by the coordinator; the member holds no seat in it.
    "committees.new_session": COORDINATOR,
    "committees.session": COORDINATOR,
    "committees.invite": COORDINATOR,
    "committees.edit_session": COORDINATOR,
    "committees.convene": COORDINATOR,
    "committees.cancel_session": COORDINATOR,  # refused without a reason, with a message
    "committees.agenda": COORDINATOR,
    "committees.edit_item": COORDINATOR,
    "committees.move_item": COORDINATOR,
    "committees.remove_item": COORDINATOR,
    "committees.attach_document": COORDINATOR,  # no file sent: refused with a message
    "committees.detach_document": COORDINATOR,
    # The world's session is not closed: nobody writes its minutes (test_minutes_pages covers the rest).
    "minutes.generate": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The world's minutes are a draft of a closed session of the coordinator's body, with a pending
    # amendment; the member holds no seat in that body.
    "minutes.show": COORDINATOR,
    "minutes.edit": COORDINATOR,
    "minutes.regenerate": COORDINATOR,
    "minutes.open_window": COORDINATOR,  # no deadline sent: refused with a message
    "minutes.close_window": COORDINATOR,  # the window is not open: refused with a message
    "minutes.approve": COORDINATOR,  # no motion chosen: refused with a message
    "minutes.diff": COORDINATOR,
    "minutes.propose": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),  # the amendment window is not open
    "minutes.accept": COORDINATOR,
    "minutes.reject": COORDINATOR,  # no reason sent: refused with a message
    "minutes.download_html": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),  # only approved minutes
    "minutes.download_pdf": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The world's action item is the member's, in the coordinator's body.
    "action_items.mine": SIGNED_IN,
    "action_items.body_items": (LOGIN, OK, OK, OK),  # network members; the list holds what they may see
    "action_items.community_items": (HIDDEN, OK, OK, OK),  # the community's members and the Secretariat
    "action_items.show": (HIDDEN, OK, OK, OK),
    "action_items.new": COORDINATOR,
    "action_items.edit": (HIDDEN, FORBIDDEN, OK, OK),
    "action_items.update_status": (HIDDEN, OK, OK, OK),  # its owner and the body's officers
    # The live session and its console: the world's session is only scheduled, so the officers' actions
    # are let through and refused by the service with a message; asking for the floor needs a session in
    # progress and a seat, so nobody gets that far.
    "committees.live": COORDINATOR,
    "committees.open_session": COORDINATOR,
    "committees.close_session": COORDINATOR,
    "committees.take_up": COORDINATOR,
    "committees.roll_call": COORDINATOR,
    "committees.request_floor": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "committees.withdraw_floor": COORDINATOR,
    "committees.next_speaker": COORDINATOR,
    "committees.propose_motion": COORDINATOR,
    # The world's motion was proposed in that session: its board pack's readers see it, officers run it.
    "committees.motion": COORDINATOR,
    "committees.open_vote": COORDINATOR,
    "committees.withdraw_motion": COORDINATOR,
    "committees.vote": COORDINATOR,  # nobody may vote on a motion not put to the vote: a message says so
    "committees.record_hand": COORDINATOR,
    "committees.close_vote": COORDINATOR,
    "committees.vote_between": COORDINATOR,
    "committees.new_motion": COORDINATOR,
    "committees.votes": SIGNED_IN,  # the open votes of one's own bodies
    # The world's event is a published workshop of the personas' community: its coordinator organises it.
    "events.index": PUBLIC,
    "events.feed": PUBLIC,
    "events.statistics": PUBLIC,
    "events.show": PUBLIC,
    "events.download": PUBLIC,
    "events.new": COORDINATOR,  # coordinators create workshops of their communities
    "events.edit": COORDINATOR,
    "events.publish": COORDINATOR,  # already published: refused with a message
    "events.cancel": COORDINATOR,  # refused without a reason, with a message
    "events.history": COORDINATOR,
    "events.programme": COORDINATOR,
    "events.edit_session": COORDINATOR,
    "events.add_speaker": COORDINATOR,  # no name sent: the form comes back with its error
    "events.remove_session": COORDINATOR,
    "events.remove_speaker": COORDINATOR,
    "events.register": SIGNED_IN,  # people signed out are asked to sign in
    "events.cancel_registration": SIGNED_IN,  # nobody is registered: refused with a message
    "events.registrations": COORDINATOR,
    "events.registrations_csv": COORDINATOR,
    "files.serve": PUBLIC,
    "materials.index": PUBLIC,
    "materials.new": SECRETARIAT,  # others open it from their community or body page (?community=3)
    # The world's material is a members-only recording of the personas' community, with Spanish captions.
    "materials.show": (HIDDEN, OK, OK, OK),
    "materials.edit": (HIDDEN, FORBIDDEN, OK, OK),
    "materials.new_version": (HIDDEN, FORBIDDEN, OK, OK),
    "materials.add_caption": (HIDDEN, FORBIDDEN, OK, OK),
    "materials.download": (HIDDEN, OK, OK, OK),
    "materials.variant_download": (HIDDEN, OK, OK, OK),
    "materials.version_download": (HIDDEN, OK, OK, OK),
    "materials.preview": (HIDDEN, OK, OK, OK),
    "materials.caption": (HIDDEN, OK, OK, OK),
    "static": PUBLIC,
}
ADMIN_ENDPOINTS = "admin."


def expectation(endpoint: str) -> tuple:
    """Every admin route is Secretariat-only; the others are listed above."""
    if endpoint.startswith(ADMIN_ENDPOINTS):
        return SECRETARIAT
    return EXPECTATIONS[endpoint]


@pytest.fixture
def world(community, member, coordinator, secretariat, outsider):
    """One object of every kind a route can name, so each URL can be built."""
    organisation = factories.OrganisationFactory(country=community.country)
    join_request = JoinRequest(user=outsider, community=community, organisation=organisation)
    invitation = Invitation(
        email="guest@example.org", community=community, organisation=organisation, invited_by=coordinator
    )
    notice = Notification(user_id=member.id, kind="membership.removed", params={"community": "x"})
    mail = OutboxMail(recipient="someone@example.org", subject="Hello", body="Body")
    logo = storage.save_upload(FileStorage(io.BytesIO(image_bytes()), "logo.png"), "logo", secretariat)
    db.session.add_all([join_request, invitation, notice, mail])
    db.session.commit()
    membership = db.session.query(Membership).filter_by(user_id=member.id).one()
    room = rooms.room_for_community(community)
    room_message, _created = rooms.post_message(member, room, "world-1", "Hello")
    data_call = factories.DataCallFactory(communities=[community])
    submission = factories.SubmissionFactory(data_call=data_call, community=community)
    api_token, _secret = api_tokens.create_token(member, "Port community system", None)
    peer_group = PeerGroup(code="world", name={"en": "World"}, communities=[community])
    db.session.add(peer_group)
    db.session.commit()
    item_ids = {
        "countries": community.country_id,
        "ports": community.ports[0].id,
        "communities": community.id,
        "organisations": organisation.id,
        "users": member.id,
        "peer_groups": peer_group.id,
    }
    values = {
        "slug": community.slug,
        "membership_id": membership.id,
        "request_id": join_request.id,
        "invitation_id": invitation.id,
        "token": "not-a-valid-token",
        "user_id": member.id,
        "community_id": community.id,
        "organisation_id": organisation.id,
        "message_id": mail.id,
        "notification_id": notice.id,
        "public_id": logo.public_id,
        "filename": "css/app.css",
        "room_id": room.id,
        "seq": room_message.seq,
        "call_id": data_call.id,
        "submission_id": submission.id,
        "token_id": api_token.id,
        "version": data_call.methodology_version.version,
        "period": data_call.period,
        "version_id": data_call.methodology_version.id,
        "file_type": "json",
    }
    body = factories.BodyFactory()
    seat = factories.SeatFactory(body=body, user=coordinator, role="chair")
    committee_session = factories.CommitteeSessionFactory(body=body)
    agenda_item = factories.AgendaItemFactory(session=committee_session, position=1)
    agenda_item.documents.append(logo)
    motion = Motion(body=body, session=committee_session, text="Adopt the work plan.")
    db.session.add(motion)
    db.session.commit()
    closed = factories.CommitteeSessionFactory(
        body=body, status=SessionStatus.CLOSED, starts_at=utcnow() - timedelta(days=3)
    )
    minutes = factories.MinutesFactory(session=closed)
    amendment = MinutesAmendment(minutes=minutes, proposed_by_id=member.id, proposed="Add a line.")
    db.session.add(amendment)
    db.session.commit()
    action_item = factories.ActionItemFactory(body=body, owner=member)
    values |= {"minutes_id": minutes.id, "amendment_id": amendment.id, "action_item_id": action_item.id}
    event = factories.EventFactory(kind=EventKind.WORKSHOP, communities=[community])
    event_session = factories.EventSessionFactory(event=event)
    speaker = EventSpeaker(session=event_session, name="Ana Speaker")
    db.session.add(speaker)
    db.session.commit()
    values |= {
        "event_id": event.id,
        "event_session_id": event_session.id,
        "speaker_id": speaker.id,
        "body_id": body.id,
        "seat_id": seat.id,
        "session_id": committee_session.id,
        "agenda_item_id": agenda_item.id,
        "document_id": logo.id,
        "motion_id": motion.id,
    }
    recording = add_material(
        secretariat,
        kind=MaterialType.RECORDING,
        access=MaterialAccess.MEMBERS,
        community_id=community.id,
        data=mp4_bytes(),
        name="talk.mp4",
    )
    materials.add_caption(secretariat, recording.variant("es"), "es", upload(vtt(), "es.vtt"))
    values |= {"material_id": recording.id, "language": "es", "number": 1, "caption_language": "es"}
    people = {"member": member, "coordinator": coordinator, "secretariat": secretariat}
    return values, item_ids, people


def _url(app, rule, world) -> str:
    values, item_ids, _ = world
    arguments = {name: values.get(name) for name in rule.arguments}
    if "item_id" in rule.arguments:
        arguments["item_id"] = item_ids[rule.endpoint.split(".")[1].rsplit("_", 1)[0]]
    with app.test_request_context():
        return url_for(rule.endpoint, **arguments)


ROUTE_APP = create_app("testing")  # only to list the routes at collection time
ROUTES = sorted(
    (rule.endpoint, method)
    for rule in ROUTE_APP.url_map.iter_rules()
    for method in rule.methods & {"GET", *STATE_CHANGING}
)


def _rule(app, endpoint: str):
    return next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)


def _outcome(response) -> object:
    if response.status_code in (302, 303) and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code in (401, 403, 404):
        return response.status_code
    return OK


def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = [e for e in endpoints if not e.startswith(ADMIN_ENDPOINTS) and e not in EXPECTATIONS]
    assert not missing, f"add authorisation expectations for: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_route_answers_persona_as_expected(app, world, endpoint, method, persona):
    _, _, people = world
    client = app.test_client()
    if persona != "anonymous":
        login_as(client, people[persona])
    response = client.open(_url(app, _rule(app, endpoint), world), method=method)
    response.close()
    assert _outcome(response) == expectation(endpoint)[PERSONAS.index(persona)]


@pytest.mark.parametrize(("endpoint", "method"), [route for route in ROUTES if route[1] in STATE_CHANGING])
def test_state_changing_route_refuses_a_request_without_csrf_token(app, world, endpoint, method):
    _, _, people = world
    client = app.test_client()
    login_as(client, people["secretariat"])
    response = client.open(_url(app, _rule(app, endpoint), world), method=method, csrf=False, data={"x": "1"})
    response.close()
    assert response.status_code == 400
    assert b"Your form expired" in response.data
