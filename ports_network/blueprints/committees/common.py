"""Loading the objects of a committee URL (404 when missing or private) and form helpers."""

from flask import abort, request

from ...models import AgendaItem, Body, CommitteeSession, Seat
from ...security import authorize
from ...services import committee_agenda, committee_seats, committee_sessions, committees
from .forms import SeatForm


def load_body(body_id: int) -> Body:
    """The body of a URL; closed bodies exist only for network members."""
    body = committees.get_body(body_id) or abort(404)
    authorize("committees.see", body, hide=True)
    return body


def load_seat(seat_id: int) -> Seat:
    """The seat of a URL, for the Secretariat."""
    seat = committees.get_seat(seat_id) or abort(404)
    authorize("committees.manage", seat.body)
    return seat


def load_session(session_id: int, action: str = "committees.view_session") -> CommitteeSession:
    """The session of a URL, for those the action allows (403 for the others: the body page lists it)."""
    session = committee_sessions.get(session_id) or abort(404)
    authorize(action, session)
    return session


def load_item(item_id: int) -> AgendaItem:
    """The agenda item of a URL, for those who run its session."""
    item = committee_agenda.get_item(item_id) or abort(404)
    authorize("committees.run_session", item.session)
    return item


def with_seat_choices(form: SeatForm) -> SeatForm:
    """The seat form with its people, community and organisation choices."""
    form.set_choices(
        committee_seats.people_choices(),
        committee_seats.community_choices(),
        committee_seats.organisation_choices(),
    )
    return form


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
