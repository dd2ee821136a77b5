"""API views of a community's submission: find or open it, read it, save values, submit it."""

from flask import abort, jsonify
from werkzeug.wrappers import Response

from ...errors import DomainError, NotAllowed
from ...extensions import db
from ...models import DataCall, PortCommunity, Submission
from ...security import authorize, can
from ...services import data_calls, submission_workflow, submissions
from . import bp, payloads, serialize
from .calls import me, reveal
from .errors import json_error


def _answer(submission: Submission, checks: list | None = None) -> Response:
    if checks is None:
        checks = submissions.value_checks(submission)
    may_edit = can(me(), "submissions.edit", submission)
    return jsonify(serialize.submission(submission, checks, may_edit))


def _call_and_community(call_id: int, community_id: int) -> tuple[DataCall, PortCommunity]:
    """The call (404 unless the caller may see it) and one of the communities it names (else 404)."""
    call = data_calls.get(call_id) or abort(404)
    reveal("data_calls.view", call)
    community = next((item for item in call.communities if item.id == community_id), None)
    return call, community or abort(404)


def _submission(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    reveal("submissions.view", submission)
    return submission


@bp.get("/data-calls/<int:call_id>/communities/<int:community_id>/submission")
def community_submission(call_id: int, community_id: int):
    """The community's submission to the call; 404 while nobody has opened it yet."""
    call, community = _call_and_community(call_id, community_id)
    submission = submissions.find_submission(call, community) or abort(404)
    authorize("submissions.view", submission, hide=True)
    return _answer(submission)


@bp.post("/data-calls/<int:call_id>/communities/<int:community_id>/submission")
def open_submission(call_id: int, community_id: int):
    """Open the community's submission (a draft pre-filled from the previous period), or get the open one."""
    call, community = _call_and_community(call_id, community_id)
    existing = submissions.find_submission(call, community)
    if existing is not None:
        authorize("submissions.view", existing, hide=True)
    else:
        authorize("submissions.start", (call, community))
    submission = submissions.open_submission(me(), call, community)
    return _answer(submission), 200 if existing is not None else 201


@bp.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    """A submission: status, revision, values with their justifications, validation results."""
    return _answer(_submission(submission_id))


@bp.put("/submissions/<int:submission_id>/values")
def save_values(submission_id: int):
    """Save values (all or nothing) against the revision the client read: 409 if someone saved since."""
    submission = _submission(submission_id)
    authorize("submissions.edit", submission)
    revision, entries = payloads.values_update(payloads.json_body())
    checks = submissions.save_values(me(), submission, entries, revision)
    return _answer(submission, checks)


@bp.post("/submissions/<int:submission_id>/submit")
def submit(submission_id: int):
    """Send the values for validation; 422 with the blocking checks while any remain."""
    submission = _submission(submission_id)
    authorize("submissions.edit", submission)
    try:
        submission_workflow.submit(me(), submission)
    except NotAllowed:
        raise
    except DomainError as error:
        blocking = {c.code: [c.message] for c in submissions.value_checks(submission) if c.blocks}
        return json_error(422, error.message, errors=blocking or {"_": [str(error.message)]})
    return _answer(submission)
