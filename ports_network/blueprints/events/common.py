"""Loading the objects of an event URL (404 when missing or not visible) and shared view helpers."""

from flask import abort, request

from ...models import Event, EventSession, EventSpeaker
from ...security import authorize
from ...services import event_programme, events


def load_event(event_id: int, action: str | None = None) -> Event:
    """The event of a URL; a draft exists only for its organisers. `action` is then checked too (403)."""
    event = events.get(event_id) or abort(404)
    authorize("events.view", event, hide=True)
    if action is not None:
        authorize(action, event)
    return event


def load_session(session_id: int) -> EventSession:
    """A programme session, for its event's organisers."""
    part = event_programme.get_session(session_id) or abort(404)
    load_event(part.event_id, "events.manage")
    return part


def load_speaker(speaker_id: int) -> EventSpeaker:
    """A speaker, for the organisers of the event."""
    speaker = event_programme.get_speaker(speaker_id) or abort(404)
    load_event(speaker.session.event_id, "events.manage")
    return speaker


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
