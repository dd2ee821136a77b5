"""Room pages: the list of the person's rooms, a room with its latest messages, posting, history as JSON,
changing one's own messages, reporting them, and the moderators' pages and actions."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import security
from ...errors import DomainError
from ...extensions import db
from ...models import Message, Room, User
from ...security import authorize, requires
from ...services import room_attachments, room_moderation, room_search, rooms
from ..forms import show_error
from . import bp
from .events import broadcast, broadcast_update
from .forms import EditForm, MuteForm, ReportForm, SearchForm, TopicForm, message_form

PAGE_SIZE = 50


def _room(room_id: int) -> Room:
    room = db.session.get(Room, room_id) or abort(404)
    authorize("rooms.read", room, hide=True)
    return room


def _show(room: Room, form, status: int = 200, before: int | None = None, topic_form=None):
    messages = rooms.history(current_user, room, before_seq=before, limit=PAGE_SIZE)
    # Where this visit starts reading: found before the visit itself moves the read marker.
    first_unread = rooms.first_unread_seq(current_user, room, messages)
    if before is None:
        # Seeing the newest messages is reading them: a receipt for the person, not a shared change.
        rooms.mark_read(current_user, room, messages[-1].seq if messages else 0)
    editable, reportable = security.message_actions(current_user, room, messages)
    page = render_template(
        "rooms/show.html",
        room=room,
        title=rooms.title_of(room),
        messages=messages,
        form=form,
        first_unread=first_unread,
        moderator=security.can(current_user, "rooms.moderate", room),
        muted_until=security.muted_until(current_user, room),
        editable=editable,
        reportable=reportable,
        topic_form=topic_form or TopicForm(formdata=None),
        excerpt=rooms.excerpt,
        attachment=room_attachments.record,
        max_files=room_attachments.MAX_FILES,
        max_file_size=room_attachments.size_limit_label(),
    )
    return page, status


@bp.get("/")
@requires("rooms.list")
def index():
    """The rooms the person can read, with unread counts."""
    return render_template("rooms/index.html", entries=rooms.rooms_for(current_user))


@bp.get("/search")
@requires("rooms.list")
def search():
    """Search the messages of the rooms the person can read: words, sender, room and dates."""
    form = SearchForm(formdata=request.args)
    form.room.choices = [(0, _("All rooms")), *room_search.readable_rooms(current_user)]
    results = None
    if request.args and form.validate():
        query = room_search.SearchQuery(
            words=form.q.data or "",
            sender=form.sender.data or "",
            room_id=form.room.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            page=request.args.get("page", default=1, type=int),
        )
        results = room_search.search(current_user, query)
    page = render_template("rooms/search.html", form=form, results=results, title_of=rooms.title_of)
    return page, 422 if form.errors else 200


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
            message, created = rooms.post_message(
                current_user,
                room,
                form.client_id.data,
                form.body.data,
                form.reply_to.data,
                files=form.attachments.data,
            )
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


def _message(room_id: int, seq: int) -> Message:
    return rooms.message_at(_room(room_id), seq) or abort(404)


def _refused(message: Message, form) -> tuple:
    """Show why a change was refused on the room page (the forms sit inside its messages)."""
    for error in [*form.form_errors, *(e for errors in form.errors.values() for e in errors)]:
        flash(str(error), "error")
    return _show(message.room, message_form(), 422)


def _to_message(message: Message):
    return redirect(url_for(".show", room_id=message.room_id, _anchor=f"m{message.seq}"), 303)


@bp.post("/<int:room_id>/messages/<int:seq>/edit")
@requires("rooms.list")
def edit_message(room_id: int, seq: int):
    """The author changes their message without JavaScript."""
    message = _message(room_id, seq)
    authorize("rooms.edit_message", message)
    form = EditForm()
    if form.validate_on_submit():
        try:
            room_moderation.edit_message(current_user, message, form.body.data)
        except DomainError as error:
            show_error(form, error)
        else:
            broadcast_update(message)
            return _to_message(message)
    return _refused(message, form)


@bp.post("/<int:room_id>/messages/<int:seq>/delete")
@requires("rooms.list")
def delete_message(room_id: int, seq: int):
    """The author deletes their message; members then see a placeholder."""
    message = _message(room_id, seq)
    authorize("rooms.edit_message", message)
    room_moderation.delete_message(current_user, message)
    broadcast_update(message)
    flash(_("Your message was deleted."), "success")
    return _to_message(message)


@bp.post("/<int:room_id>/messages/<int:seq>/report")
@requires("rooms.list")
def report_message(room_id: int, seq: int):
    """A reader reports a message to the room's moderators."""
    message = _message(room_id, seq)
    authorize("rooms.report_message", message)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            room_moderation.report_message(current_user, message, form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Thank you. The moderators of this room will look at the message."), "success")
            return _to_message(message)
    return _refused(message, form)


@bp.get("/<int:room_id>/messages/<int:seq>/revisions")
@requires("rooms.list")
def revisions(room_id: int, seq: int):
    """For moderators: a message as it is now and every earlier version of it."""
    message = _message(room_id, seq)
    authorize("rooms.moderate", message.room)
    earlier = room_moderation.revisions(current_user, message)
    title = rooms.title_of(message.room)
    return render_template("rooms/revisions.html", message=message, revisions=earlier, title=title)


@bp.get("/<int:room_id>/reports")
@requires("rooms.list")
def reports(room_id: int):
    """For moderators: the open reports of the room, and its moderation actions."""
    room = _room(room_id)
    authorize("rooms.moderate", room)
    entries = room_moderation.open_reports(current_user, room)
    title = rooms.title_of(room)
    return render_template("rooms/reports.html", room=room, reports=entries, title=title, form=MuteForm())


@bp.post("/<int:room_id>/messages/<int:seq>/hide")
@requires("rooms.list")
def hide_message(room_id: int, seq: int):
    """A moderator hides a message from everyone but the moderators."""
    message = _message(room_id, seq)
    authorize("rooms.moderate", message.room)
    room_moderation.hide_message(current_user, message)
    broadcast_update(message)
    flash(_("The message is hidden."), "success")
    return redirect(url_for(".reports", room_id=room_id), 303)


@bp.post("/<int:room_id>/messages/<int:seq>/dismiss-reports")
@requires("rooms.list")
def dismiss_reports(room_id: int, seq: int):
    """A moderator settles the reports on a message and leaves it shown."""
    message = _message(room_id, seq)
    authorize("rooms.moderate", message.room)
    room_moderation.dismiss_reports(current_user, message)
    flash(_("The reports are dismissed; the message stays shown."), "success")
    return redirect(url_for(".reports", room_id=room_id), 303)


@bp.post("/<int:room_id>/mute")
@requires("rooms.list")
def mute(room_id: int):
    """A moderator stops a member from posting in the room for some minutes."""
    room = _room(room_id)
    authorize("rooms.moderate", room)
    form = MuteForm()
    if form.validate_on_submit():
        try:
            person = db.session.get(User, form.user_id.data) or room_moderation.no_such_member()
            room_moderation.mute_member(current_user, room, person, form.minutes.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The member's mute in this room is saved."), "success")
            return redirect(url_for(".reports", room_id=room.id), 303)
    page = render_template(
        "rooms/reports.html",
        room=room,
        reports=room_moderation.open_reports(current_user, room),
        title=rooms.title_of(room),
        form=form,
    )
    return page, 422


@bp.post("/<int:room_id>/read-only")
@requires("rooms.list")
def read_only(room_id: int):
    """A moderator makes the room read-only, or lets it take messages again."""
    room = _room(room_id)
    authorize("rooms.moderate", room)
    room_moderation.set_read_only(current_user, room, not room.read_only)
    flash(
        _("This room is now read-only.") if room.read_only else _("This room takes messages again."),
        "success",
    )
    return redirect(url_for(".show", room_id=room.id), 303)


@bp.post("/<int:room_id>/topics")
@requires("rooms.list")
def open_topic(room_id: int):
    """A coordinator opens a topic room inside the community of this room."""
    room = _room(room_id)
    authorize("rooms.open_topic", room.community)
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = room_moderation.open_topic(current_user, room.community, form.title.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The topic room is open."), "success")
            return redirect(url_for(".show", room_id=topic.id), 303)
    return _show(room, message_form(), 422, topic_form=form)


@bp.post("/<int:room_id>/archive")
@requires("rooms.list")
def archive(room_id: int):
    """A moderator archives a topic room: read-only, still readable and searchable."""
    room = _room(room_id)
    authorize("rooms.moderate", room)
    try:
        room_moderation.archive_topic(current_user, room)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The topic room is archived."), "success")
    return redirect(url_for(".show", room_id=room.id), 303)
