"""API views of data calls: the calls a person may see, and one call with the indicators it asks for."""

from flask import abort, jsonify
from flask_login import current_user

from ...models import User
from ...security import authorize, can, requires
from ...services import data_calls
from . import bp, serialize


def me() -> User:
    """The authenticated person (by token or session), not Flask-Login's proxy, for the services."""
    return current_user._get_current_object()


def reveal(action: str, obj: object) -> None:
    """401 without credentials (so a client knows to send its token), else 404 unless `action` is allowed."""
    authorize("data_calls.list")
    authorize(action, obj, hide=True)


@bp.get("/data-calls")
@requires("data_calls.list")
def data_call_list():
    """The data calls the caller may see, newest first."""
    return jsonify(data_calls=[serialize.data_call(call) for call in data_calls.calls_for(me())])


@bp.get("/data-calls/<int:call_id>")
def data_call(call_id: int):
    """One data call and the indicators it asks for (404 for calls the caller may not see)."""
    call = data_calls.get(call_id) or abort(404)
    reveal("data_calls.view", call)
    answerable = {item.id for item in call.communities if can(me(), "submissions.start", (call, item))}
    return jsonify(serialize.data_call_detail(call, answerable))
