"""Loading the objects of a minutes URL and describing approval motions."""

from flask import abort, request
from flask_babel import format_date
from flask_babel import gettext as _

from ...models import CommitteeMinutes, MinutesAmendment
from ...security import authorize
from ...services import committee_minutes, minutes_amendments
from ...services.committee_minutes import Candidate

SHORT = 90  # characters of a motion's text in the approval form


def load_minutes(minutes_id: int, action: str = "minutes.view") -> CommitteeMinutes:
    """The minutes of a URL, for those the action allows (403 for others, like the session page)."""
    minutes = committee_minutes.get(minutes_id) or abort(404)
    authorize(action, minutes)
    return minutes


def load_amendment(amendment_id: int) -> MinutesAmendment:
    """An amendment of a URL, for the officers who decide it."""
    amendment = minutes_amendments.get(amendment_id) or abort(404)
    authorize("minutes.edit", amendment.minutes)
    return amendment


def describe(candidate: Candidate) -> str:
    """A carried motion as the approval form lists it."""
    text = " ".join(candidate.motion.text.split())
    text = text if len(text) <= SHORT else text[: SHORT - 1] + "…"
    if candidate.session is None:
        return _("%(text)s (vote between sessions)", text=text)
    day = format_date(candidate.session.starts_at, "medium")
    return _("%(text)s (%(session)s, %(date)s)", text=text, session=candidate.session.title, date=day)


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
