"""The review workflow of an index submission: draft → submitted → (returned → submitted) → validated →
accepted, and reopening named indicators of an accepted one. Each step is authorised by the policy,
audited (old → new status) and notified; the version column makes two simultaneous steps impossible."""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm.exc import StaleDataError

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..i18n import current_locale
from ..index_engine import localized
from ..links import site_path
from ..models import CommunityRole, Submission, SubmissionStatus, User
from ..models.base import FALLBACK_LOCALES, utcnow
from . import audit, memberships, notifications
from .submissions import methodology_of, value_checks

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4000


def _reporters(submission: Submission) -> list[User]:
    return memberships.members_with_roles(submission.community_id, security.REPORTERS)


def _required_message(message: str | None) -> str:
    text = (message or "").strip()
    if not text:
        raise DomainError(_("Write a message saying what needs to change."), field="message")
    if len(text) > MAX_MESSAGE:
        raise DomainError(
            _("Please keep the message under %(count)s characters.", count=MAX_MESSAGE), field="message"
        )
    return text


@dataclass(frozen=True)
class _Step:
    """One move of the workflow: the policy action that allows it, its audit action and its notice."""

    permission: str
    action: str
    kind: str
    refusal: LazyString


_SUBMIT = _Step(
    "submissions.edit",
    "submission.submit",
    "index.submission_submitted",
    _l("This submission cannot be submitted now."),
)
_RETURN = _Step(
    "submissions.return",
    "submission.return",
    "index.submission_returned",
    _l("You cannot return this submission."),
)
_VALIDATE = _Step(
    "submissions.validate",
    "submission.validate",
    "index.submission_validated",
    _l("Only the community's validator can validate this submission."),
)
_ACCEPT = _Step(
    "submissions.accept",
    "submission.accept",
    "index.submission_accepted",
    _l("Only the Secretariat can accept a validated submission."),
)
_REOPEN = _Step(
    "submissions.reopen",
    "submission.reopen",
    "index.submission_reopened",
    _l("Only the Secretariat can reopen an accepted submission."),
)


def _allow(actor: User, submission: Submission, step: _Step) -> None:
    """Refuse the step unless the policy allows it (checked before any input is looked at)."""
    if not security.can(actor, step.permission, submission):
        raise NotAllowed(str(step.refusal))


def _move(
    actor: User,
    submission: Submission,
    step: _Step,
    changes: dict[str, Any],
    recipients: list[User],
    *,
    extra: dict[str, Any] | None = None,
) -> Submission:
    """Apply the changes, audit old → new, notify, commit; a concurrent step makes this one fail."""
    old = {name: getattr(submission, name) for name in changes}
    for name, value in changes.items():
        setattr(submission, name, value)
    audited = [name for name in changes if not name.endswith("_at")]
    audit.record(
        actor,
        step.action,
        submission,
        community=submission.community,
        old={name: old[name] for name in audited},
        new={name: changes[name] for name in audited},
    )
    call = submission.data_call
    params = {
        "community": submission.community.name,
        "title": call.title,
        "period": call.period,
        **(extra or {}),
    }
    link = site_path("submissions.show", submission_id=submission.id)
    for person in {user.id: user for user in recipients if user.id != actor.id}.values():
        notifications.notify(person, step.kind, params=params, link=link)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(_("Someone changed this submission meanwhile. Please look at it again.")) from None
    logger.info("submission %s: %s by user %s", submission.id, step.action, actor.id)
    return submission


def _blocking_summary(submission: Submission) -> str | None:
    """The problems that keep the values from being submitted, in words, or None."""
    blocking = [check for check in value_checks(submission) if check.blocks]
    if not blocking:
        return None
    methodology = methodology_of(submission)
    names = {
        ind.code: localized(ind.name, current_locale(), FALLBACK_LOCALES) for ind in methodology.indicators
    }
    lines = [f"{names.get(check.code, check.code)}: {check.message}" for check in blocking]
    return _("The values cannot be submitted yet: %(problems)s", problems=" · ".join(lines))


def submit(actor: User, submission: Submission) -> Submission:
    """Send the values for validation; refused while any value has an error or an unjustified change."""
    _allow(actor, submission, _SUBMIT)
    problems = _blocking_summary(submission)
    if problems:
        raise DomainError(problems)
    validators = memberships.members_with_roles(submission.community_id, {CommunityRole.VALIDATOR})
    changes = {"status": SubmissionStatus.SUBMITTED, "submitted_at": utcnow()}
    return _move(actor, submission, _SUBMIT, changes, validators or memberships.secretariat())


def return_submission(actor: User, submission: Submission, message: str | None) -> Submission:
    """Send the values back to the community with a message saying what to change."""
    _allow(actor, submission, _RETURN)
    text = _required_message(message)
    changes = {"status": SubmissionStatus.RETURNED, "return_message": text}
    return _move(actor, submission, _RETURN, changes, _reporters(submission), extra={"message": text})


def validate(actor: User, submission: Submission) -> Submission:
    """The community's validator approves the submitted values; the Secretariat is asked to accept them."""
    _allow(actor, submission, _VALIDATE)
    changes = {"status": SubmissionStatus.VALIDATED, "validated_at": utcnow()}
    return _move(actor, submission, _VALIDATE, changes, memberships.secretariat())


def accept(actor: User, submission: Submission) -> Submission:
    """The Secretariat accepts the validated values: the period is locked for the community."""
    _allow(actor, submission, _ACCEPT)
    changes = {"status": SubmissionStatus.ACCEPTED, "accepted_at": utcnow(), "reopened_codes": None}
    return _move(actor, submission, _ACCEPT, changes, _reporters(submission))


def reopen(actor: User, submission: Submission, codes: Collection[str], message: str | None) -> Submission:
    """The Secretariat reopens named indicators of an accepted submission; only those can then change."""
    _allow(actor, submission, _REOPEN)
    known = {indicator.code for indicator in methodology_of(submission).indicators}
    chosen = sorted(set(codes))
    if not chosen or not set(chosen) <= known:
        raise DomainError(_("Choose the indicators to reopen."), field="codes")
    text = _required_message(message)
    changes = {"status": SubmissionStatus.RETURNED, "reopened_codes": chosen, "return_message": text}
    extra = {"message": text, "count": len(chosen)}
    return _move(actor, submission, _REOPEN, changes, _reporters(submission), extra=extra)
