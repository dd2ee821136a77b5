"""Amendments to draft minutes: an attendee proposes a change while the window is open (the passage to
replace, if any, and the new wording); the secretary accepts it, saving the amended text as a new version,
or rejects it with a reason. The proposer is told either way."""

import sqlalchemy as sa
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import site_path
from ..models import AmendmentStatus, CommitteeMinutes, MinutesAmendment, User, VersionOrigin
from ..models.base import utcnow
from ..models.committee import OFFICER_ROLES
from . import audit, committee_minutes, committee_sessions, notifications
from .text_input import one_line

MAX_PASSAGE = 20_000
MAX_REASON = 1000


def get(amendment_id: int) -> MinutesAmendment | None:
    """The amendment with this id."""
    return db.session.get(MinutesAmendment, amendment_id)


def of_minutes(minutes: CommitteeMinutes) -> list[MinutesAmendment]:
    """Every amendment to the minutes, oldest first."""
    query = (
        sa.select(MinutesAmendment)
        .where(MinutesAmendment.minutes_id == minutes.id)
        .order_by(MinutesAmendment.created_at, MinutesAmendment.id)
    )
    return list(db.session.scalars(query))


def _passage(text: str | None, field: str) -> str | None:
    cleaned = committee_minutes.normalised(text).strip("\n")
    if len(cleaned) > MAX_PASSAGE:
        raise DomainError(_("Keep it under %(num)d characters.", num=MAX_PASSAGE), field=field)
    return cleaned or None


def propose(
    actor: User, minutes: CommitteeMinutes, original: str | None, proposed: str | None
) -> MinutesAmendment:
    """An attendee proposes a change while the amendment window is open; the officers are told."""
    if not security.can(actor, "minutes.propose_amendment", minutes):
        raise NotAllowed(_("Only the session's attendees propose amendments, while the window is open."))
    wording = _passage(proposed, "proposed")
    if wording is None:
        raise DomainError(_("Write the wording you propose."), field="proposed")
    amendment = MinutesAmendment(
        minutes=minutes, proposed_by_id=actor.id, original=_passage(original, "original"), proposed=wording
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(actor, "minutes.propose_amendment", minutes, new={"amendment": amendment.id})
    link = site_path("minutes.show", minutes_id=minutes.id)
    seats = committee_sessions.convened_seats(minutes.session)
    officers = {seat.user for seat in seats if seat.role in OFFICER_ROLES}
    for person in sorted(officers - {actor}, key=lambda p: p.id):
        notifications.notify(
            person,
            "minutes.amendment_proposed",
            {"person": actor.name, "session": minutes.session.title},
            link,
        )
    db.session.commit()
    return amendment


def suggested_text(amendment: MinutesAmendment) -> str:
    """The current draft with the amendment applied when its passage occurs exactly once; else the draft
    as it is (the secretary works the change in by hand)."""
    current = amendment.minutes.current.text
    if amendment.original and current.count(amendment.original) == 1:
        return current.replace(amendment.original, amendment.proposed)
    return current


def _ensure_pending(actor: User, amendment: MinutesAmendment) -> None:
    committee_minutes.ensure_editable(actor, amendment.minutes)
    if amendment.status != AmendmentStatus.PENDING:
        raise DomainError(_("This amendment was already decided."))


def _decided(actor: User, amendment: MinutesAmendment, status: AmendmentStatus) -> None:
    amendment.status, amendment.decided_by_id, amendment.decided_at = status, actor.id, utcnow()
    minutes = amendment.minutes
    params = {"session": minutes.session.title, "reason": amendment.reason or ""}
    link = site_path("minutes.show", minutes_id=minutes.id)
    notifications.notify(amendment.proposed_by, f"minutes.amendment_{status.value}", params, link)


def accept(actor: User, amendment: MinutesAmendment, text: str, based_on: int | None) -> None:
    """Accept an amendment: `text` (the draft with the change worked in) becomes a new version."""
    _ensure_pending(actor, amendment)
    minutes = amendment.minutes
    if based_on is not None and based_on != minutes.current.number:
        raise DomainError(
            _("Someone saved a newer version meanwhile: look at it and accept again."), field="text"
        )
    created = committee_minutes.add_version(
        actor,
        minutes,
        text,
        VersionOrigin.AMENDMENT,
        _("Amendment by %(person)s", person=amendment.proposed_by.name),
    )
    db.session.flush()
    amendment.version_id = created.id
    _decided(actor, amendment, AmendmentStatus.ACCEPTED)
    audit.record(
        actor,
        "minutes.accept_amendment",
        minutes,
        new={"amendment": amendment.id, "minutes_version": created.number},
    )
    db.session.commit()


def reject(actor: User, amendment: MinutesAmendment, reason: str | None) -> None:
    """Reject an amendment, saying why (the proposer reads the reason)."""
    _ensure_pending(actor, amendment)
    reason = one_line(reason)
    if not reason:
        raise DomainError(_("Say why the amendment is rejected."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("Keep the reason under %(num)d characters.", num=MAX_REASON), field="reason")
    amendment.reason = reason
    _decided(actor, amendment, AmendmentStatus.REJECTED)
    audit.record(
        actor,
        "minutes.reject_amendment",
        amendment.minutes,
        new={"amendment": amendment.id, "reason": reason},
    )
    db.session.commit()
