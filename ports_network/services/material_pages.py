"""What the library's pages show: the variant a reader gets, a material's versions, the materials of a
community, body, session or event, and the choices of the upload and edit forms for one person."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .. import security
from ..extensions import db
from ..models import (
    Body,
    BodyStatus,
    CommitteeSession,
    CommunityStatus,
    Event,
    EventSession,
    Material,
    MaterialVariant,
    MaterialVersion,
    MethodologyVersion,
    PortCommunity,
    User,
)

FALLBACK_ORDER = ("es", "en", "pt", "fr")
MAX_CHOICES = 300
Choices = list[tuple[int, str]]


def get(material_id: int) -> Material | None:
    """The material with this id."""
    return db.session.get(Material, material_id)


def pick_variant(material: Material, locale: str) -> MaterialVariant | None:
    """The variant a reader of `locale` gets: theirs, else Spanish, English, Portuguese, French, else any."""
    for language in (locale, *FALLBACK_ORDER):
        if (variant := material.variant(language)) is not None and variant.latest is not None:
            return variant
    return next((v for v in material.variants if v.latest is not None), None)


def version(variant: MaterialVariant, number: int) -> MaterialVersion | None:
    """A variant's version by its number."""
    return next((v for v in variant.versions if v.number == number), None)


def attached_to(user: User, *, limit: int = 10, **attachment: Any) -> list[Material]:
    """The newest materials attached to one thing (community=, body=, committee_session=, event=,
    event_session=) that the user may see."""
    ((name, target),) = attachment.items()
    column = getattr(Material, f"{name}_id")
    query = (
        sa.select(Material)
        .where(column == target.id, security.materials_visible_to(user))
        .options(sa.orm.selectinload(Material.variants).selectinload(MaterialVariant.versions))
        .order_by(Material.issued_on.desc(), Material.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def listed(user: User, locale: str, **attachment: Any) -> list[tuple[Material, MaterialVariant | None]]:
    """The materials of `attached_to`, each with the variant a reader of `locale` gets."""
    return [(material, pick_variant(material, locale)) for material in attached_to(user, **attachment)]


# --- form choices -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormChoices:
    """What one person may attach a material to, and the communities and bodies a level may name."""

    communities: Choices
    bodies: Choices
    committee_sessions: Choices
    events: Choices
    event_sessions: Choices
    methodology_versions: Choices
    access_communities: Choices
    access_bodies: Choices


def _allowed(user: User, rows: Any, label: Callable[[Any], str]) -> Choices:
    return [(row.id, label(row)) for row in rows if security.can(user, "materials.add", row)][:MAX_CHOICES]


def _communities() -> list[PortCommunity]:
    query = sa.select(PortCommunity).where(PortCommunity.status != CommunityStatus.ARCHIVED)
    return list(db.session.scalars(query.order_by(PortCommunity.name)))


def _bodies() -> list[Body]:
    return list(db.session.scalars(sa.select(Body).where(Body.status == BodyStatus.ACTIVE).order_by(Body.id)))


def _sessions(bodies: list[Body]) -> list[CommitteeSession]:
    query = (
        sa.select(CommitteeSession)
        .where(CommitteeSession.body_id.in_([body.id for body in bodies]))
        .order_by(CommitteeSession.starts_at.desc())
        .limit(MAX_CHOICES)
    )
    return list(db.session.scalars(query))


def _events() -> list[Event]:
    return list(db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc()).limit(MAX_CHOICES)))


def _event_sessions(events: list[Event]) -> list[EventSession]:
    query = sa.select(EventSession).where(EventSession.event_id.in_([event.id for event in events]))
    return list(db.session.scalars(query.order_by(EventSession.event_id.desc(), EventSession.position)))


def form_choices(user: User, locale: str) -> FormChoices:
    """Every choice of the material forms for this person (the Secretariat: all of them)."""
    bodies = [b for b in _bodies() if security.can(user, "materials.add", b)]
    events = _events()
    communities = _allowed(user, _communities(), lambda c: c.name)
    body_choices = [(b.id, b.name_in(locale)) for b in bodies]
    secretariat = security.is_secretariat(user)
    return FormChoices(
        communities=communities,
        bodies=body_choices,
        committee_sessions=_allowed(
            user,
            _sessions(bodies),
            lambda s: f"{s.body.name_in(locale)} — {s.title} ({s.starts_at:%Y-%m-%d})",
        ),
        events=_allowed(user, events, lambda e: e.title_in(locale)),
        event_sessions=_allowed(
            user, _event_sessions(events), lambda s: f"{s.event.title_in(locale)} — {s.title}"
        ),
        methodology_versions=(
            [(v.id, f"{v.version} — {v.title}") for v in db.session.scalars(sa.select(MethodologyVersion))]
            if secretariat
            else []
        ),
        access_communities=communities,
        access_bodies=body_choices,
    )


@dataclass(frozen=True)
class FilterChoices:
    """The library's filter options: only communities, bodies and events that have materials one sees."""

    communities: Choices
    bodies: Choices
    events: Choices


def _attached(user: User, column: Any, model: type, label: Callable[[Any], str]) -> Choices:
    ids = sa.select(column).where(column.is_not(None), security.materials_visible_to(user)).distinct()
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    return sorted(((row.id, label(row)) for row in rows), key=lambda choice: choice[1].casefold())


def filter_choices(user: User, locale: str) -> FilterChoices:
    """Filter options built from the materials the person may see (so none leaks a private one)."""
    return FilterChoices(
        communities=_attached(user, Material.community_id, PortCommunity, lambda c: c.name),
        bodies=_attached(user, Material.body_id, Body, lambda b: b.name_in(locale)),
        events=_attached(user, Material.event_id, Event, lambda e: e.title_in(locale)),
    )
