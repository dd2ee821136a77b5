"""Seats in a governance body: the Secretariat assigns them and changes them (dates end them). A seat must
respect the body's eligibility rule (the community's signed MoU) and never give one officer role to two
people at once, nor two seats to one person at once."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..links import site_path
from ..models import (
    Body,
    Membership,
    MembershipStatus,
    Organisation,
    PortCommunity,
    Seat,
    SeatRole,
    User,
)
from ..models.committee import SINGLE_HOLDER_ROLES
from . import audit, notifications
from .changes import apply_changes


@dataclass(frozen=True)
class SeatData:
    """Who holds a seat, for which organisation and community, in which role, from when until when."""

    user_id: int | None
    role: SeatRole
    start_date: date | None
    end_date: date | None = None
    organisation_id: int | None = None
    community_id: int | None = None


def people_choices() -> list[User]:
    """Everyone who may be given a seat: active accounts, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.deleted_at.is_(None), User.is_disabled.is_(False))
            .order_by(User.name, User.id)
        )
    )


def community_choices() -> list[PortCommunity]:
    """Communities a seat may be held for: the live ones, by name."""
    return list(
        db.session.scalars(
            sa.select(PortCommunity).where(PortCommunity.archived_at.is_(None)).order_by(PortCommunity.name)
        )
    )


def organisation_choices() -> list[Organisation]:
    """Organisations a seat may be held for: the live ones, by name."""
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.archived_at.is_(None)).order_by(Organisation.name)
        )
    )


# --- seats --------------------------------------------------------------------------------------------


def _person(user_id: int | None) -> User:
    person = db.session.get(User, user_id) if user_id else None
    if person is None or person.is_deleted or person.is_disabled:
        raise DomainError(_("Choose the person who holds the seat."), field="user_id")
    return person


def _community(person: User, community_id: int | None) -> tuple[PortCommunity | None, Membership | None]:
    if not community_id:
        return None, None
    community = db.session.get(PortCommunity, community_id)
    if community is None or community.archived_at is not None:
        raise DomainError(_("Choose one of the listed communities."), field="community_id")
    membership = db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == person.id,
            Membership.community_id == community.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
    )
    if membership is None:
        raise DomainError(
            _("%(person)s is not a member of %(community)s.", person=person.name, community=community.name),
            field="community_id",
        )
    return community, membership


def _organisation(organisation_id: int | None, membership: Membership | None) -> Organisation | None:
    if not organisation_id:
        return membership.organisation if membership is not None else None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.archived_at is not None:
        raise DomainError(_("Choose one of the listed organisations."), field="organisation_id")
    return organisation


def check_eligibility(body: Body, role: SeatRole, community: PortCommunity | None) -> None:
    """A body that requires the MoU gives voting seats only to people of communities that signed it
    (observers attend without it: the MoU conditions taking part in decisions, 000:464)."""
    if not body.requires_mou or role == SeatRole.OBSERVER:
        return
    if community is None:
        raise DomainError(
            _("Voting seats in this body are held on behalf of a community that signed the MoU: choose it."),
            field="community_id",
        )
    if not community.mou_signed:
        raise DomainError(
            _(
                "%(community)s has not signed the Memorandum of Understanding, which this body requires "
                "for voting seats.",
                community=community.name,
            ),
            field="community_id",
        )


def _check_dates(body: Body, start: date | None, end: date | None) -> date:
    if start is None:
        raise DomainError(_("Give the date the seat starts."), field="start_date")
    if end is not None and end < start:
        raise DomainError(_("The seat cannot end before it starts."), field="end_date")
    outside = start < body.term_start or (body.term_end is not None and (end is None or end > body.term_end))
    if outside:
        term_end = format_date(body.term_end) if body.term_end else _("open-ended")
        raise DomainError(
            _(
                "The seat must fall within the body's term (%(start)s – %(end)s).",
                start=format_date(body.term_start),
                end=term_end,
            ),
            field="start_date",
        )
    return start


def _overlapping(body: Body, start: date, end: date | None, seat: Seat | None) -> sa.Select:
    query = sa.select(Seat).where(
        Seat.body_id == body.id,
        sa.or_(Seat.end_date.is_(None), Seat.end_date >= start),
    )
    if end is not None:
        query = query.where(Seat.start_date <= end)
    if seat is not None:
        query = query.where(Seat.id != seat.id)
    return query


def check_overlap(
    body: Body, person: User, role: SeatRole, dates: tuple[date, date | None], seat: Seat | None = None
) -> None:
    """One seat per person at a time in a body, and one chair, vice-chair and secretary at a time."""
    others = db.session.scalars(_overlapping(body, *dates, seat)).all()
    if any(other.user_id == person.id for other in others):
        raise DomainError(
            _("%(person)s already holds a seat in this body for part of these dates.", person=person.name),
            field="user_id",
        )
    holder = next((o for o in others if role in SINGLE_HOLDER_ROLES and o.role == role), None)
    if holder is not None:
        raise DomainError(
            _(
                "%(person)s holds this role for part of these dates; end that seat first.",
                person=holder.user.name,
            ),
            field="role",
        )


def _validated_seat(body: Body, data: SeatData, seat: Seat | None = None) -> dict:
    person = _person(data.user_id)
    role = SeatRole(data.role)
    community, membership = _community(person, data.community_id)
    check_eligibility(body, role, community)
    start = _check_dates(body, data.start_date, data.end_date)
    check_overlap(body, person, role, (start, data.end_date), seat)
    organisation = _organisation(data.organisation_id, membership)
    return {
        "user": person,
        "role": role,
        "community": community,
        "organisation": organisation,
        "start_date": start,
        "end_date": data.end_date,
    }


def _seat_audit(values: dict) -> dict:
    names = {"user": "person", "role": "seat_role"}
    return {
        names.get(key, key): getattr(value, "name", value)
        if key in {"user", "organisation", "community"}
        else value
        for key, value in values.items()
    }


def add_seat(actor: User, body: Body, data: SeatData) -> Seat:
    """The Secretariat gives a person a seat; the person is told."""
    if not security.can(actor, "committees.manage"):
        raise NotAllowed(_("Only the Technical Secretariat assigns seats."))
    if not body.is_active:
        raise DomainError(_("This body is closed: it takes no new seats."))
    values = _validated_seat(body, data)
    seat = Seat(body=body, **values)
    db.session.add(seat)
    db.session.flush()
    audit.record(actor, "seat.create", seat, community=seat.community, new=_seat_audit(values))
    person = values["user"]
    notifications.notify(
        person,
        "committees.seat_assigned",
        params={
            "body": body.name_in(person.preferred_locale),
            "role": seat.role.value,
            "start": seat.start_date.isoformat(),
        },
        link=site_path("committees.show", body_id=body.id),
    )
    db.session.commit()
    return seat


def update_seat(actor: User, seat: Seat, data: SeatData) -> Seat:
    """The Secretariat changes a seat (its dates end it); the same rules as for a new seat apply."""
    if not security.can(actor, "committees.manage"):
        raise NotAllowed(_("Only the Technical Secretariat changes seats."))
    values = _validated_seat(seat.body, data, seat)
    old, new = apply_changes(seat, values)
    if new:
        audit.record(
            actor, "seat.update", seat, community=seat.community, old=_seat_audit(old), new=_seat_audit(new)
        )
    db.session.commit()
    return seat
