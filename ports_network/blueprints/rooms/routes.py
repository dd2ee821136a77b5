"""Room pages: the list of the person's rooms, a room with its latest messages, posting, history as JSON."""

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...models import Room
from ...security import authorize, requires
from ...services import rooms
from ..forms import show_error
from . import bp
from .events import broadcast
from .forms import message_form

PAGE_SIZE = 50


def _room(room_id: int) -> Room:
    room = db.session.get(Room, room_id) or abort(404)
    authorize("rooms.read", room, hide=True)
    return room


def _show(room: Room, form, status: int = 200, before: int | None = None):
    messages = rooms.history(current_user, room, before_seq=before, limit=PAGE_SIZE)
    # Where this visit starts reading: found before the visit itself moves the read marker.
    first_unread = rooms.first_unread_seq(current_user, room, messages)
    if before is None:
        # Seeing the newest messages is reading them: a receipt for the person, not a shared change.
        rooms.mark_read(current_user, room, messages[-1].seq if messages else 0)
    page = render_template(
        "rooms/show.html",
        room=room,
        title=rooms.title_of(room),
        messages=messages,
        form=form,
        first_unread=first_unread,
    )
    return page, status


@bp.get("/")
@requires("rooms.list")
def index():
    """The rooms the person can read, with unread counts."""
    return render_template("rooms/index.html", entries=rooms.rooms_for(current_user))


@bp.get("/<int:room_id>")
@requires("rooms.list")
def show(room_id: int):
    """A room with its latest messages and, where the person may write, the message form."""
    return _show(_room(room_id), message_form(), before=request.args.get("before", type=int))


@bp.post("/<int:room_id>")
@requires("rooms.list")
def post(room_id: int):
    """Post a message without JavaScript; the page then shows it (POST-redirect-GET)."""
    room = _room(room_id)
    authorize("rooms.post", room)
    form = message_form()
    if form.validate_on_submit():
        try:
            message, created = rooms.post_message(current_user, room, form.client_id.data, form.body.data)
        except DomainError as error:
            show_error(form, error)
        else:
            if created:
                broadcast(message)
            return redirect(url_for(".show", room_id=room.id, _anchor=f"m{message.seq}"), 303)
    return _show(room, form, 422)


@bp.get("/<int:room_id>/history")
@requires("rooms.list")
def history(room_id: int):
    """Messages after `after` (catching up) or before `before` (older ones), in sequence order, as JSON."""
    room = _room(room_id)
    after = request.args.get("after", type=int)
    before = request.args.get("before", type=int)
    limit = request.args.get("limit", default=PAGE_SIZE, type=int)
    messages = rooms.history(current_user, room, after_seq=after, before_seq=before, limit=limit)
    body = {"messages": [rooms.as_record(m) for m in messages], "last_seq": room.last_seq}
    return jsonify(body), 200, {"Cache-Control": "no-store"}
