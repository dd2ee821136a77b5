"""Who sees the materials library's documents (access levels with an optional embargo) and adds to it."""

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    CommunityRole,
    Event,
    EventSession,
    Material,
    MaterialAccess,
    MaterialCaption,
    MaterialVariant,
    MaterialVersion,
    PortCommunity,
    StoredFile,
)
from ..models.base import utcnow
from ..models.committee import (
    OFFICER_ROLES,
    Body,
    CommitteeSession,
)
from .committees import holds_seat, seated_today
from .events import manages_event
from .people import (
    active_community_ids,
    community_roles,
    is_network_member,
    is_secretariat,
    is_signed_in,
    role_in,
)


def may_see_material(user: Any, material: Material) -> bool:
    """Public (by level, or once the embargo ended), else the level's people; the Secretariat sees all."""
    if is_secretariat(user) or material.is_public_on(utcnow().date()):
        return True
    if material.access == MaterialAccess.MEMBERS:
        return is_network_member(user)
    if material.access == MaterialAccess.COMMUNITY:
        return material.access_community_id in community_roles(user)
    return material.access_body is not None and bool(holds_seat(user, material.access_body))


def may_add_material(user: Any, target: Any = None) -> bool:
    """The Secretariat anywhere (the library itself, methodology notes); coordinators for their community;
    a body's officers for the body and its sessions; an event's organisers for the event and its sessions."""
    if is_secretariat(user):
        return True
    if isinstance(target, PortCommunity):
        return not target.is_archived and role_in(user, target) == CommunityRole.COORDINATOR
    if isinstance(target, Body):
        return target.is_active and bool(holds_seat(user, target) & OFFICER_ROLES)
    if isinstance(target, CommitteeSession):
        return target.body.is_active and bool(holds_seat(user, target.body) & OFFICER_ROLES)
    if isinstance(target, EventSession):
        target = target.event
    if isinstance(target, Event):
        return manages_event(user, target)  # its organisers, as "events.manage" says
    return False


def material_targets(material: Material) -> list[Any]:
    """What a material is attached to, each a target of "materials.add"."""
    targets = [
        material.community,
        material.body,
        material.committee_session,
        material.event,
        material.event_session,
    ]
    return [target for target in targets if target is not None]


def may_manage_material(user: Any, material: Material) -> bool:
    """Whoever may add materials to one of the things it is attached to (not its uploader as such: a
    coordinator who steps down stops managing their community's materials)."""
    if is_secretariat(user):
        return True
    return any(may_add_material(user, target) for target in material_targets(material))


def may_view_material_file(user: Any, stored: StoredFile) -> bool:
    """A version or caption file of a material follows the material's access level."""
    material = db.session.scalar(
        sa.select(Material)
        .join(Material.variants)
        .outerjoin(MaterialVersion, MaterialVersion.variant_id == MaterialVariant.id)
        .outerjoin(MaterialCaption, MaterialCaption.variant_id == MaterialVariant.id)
        .where(
            sa.or_(MaterialVersion.stored_file_id == stored.id, MaterialCaption.stored_file_id == stored.id)
        )
        .limit(1)
    )
    return may_see_material(user, material) if material is not None else is_secretariat(user)


def materials_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Material equal to `can(user, "materials.view", material)`."""
    if is_secretariat(user):
        return sa.true()
    today = utcnow().date()
    visible = [
        Material.access == MaterialAccess.PUBLIC,
        sa.and_(Material.embargo_until.is_not(None), Material.embargo_until <= today),
    ]
    if not is_signed_in(user):
        return sa.or_(*visible)
    if is_network_member(user):
        visible.append(Material.access == MaterialAccess.MEMBERS)
    seated = seated_today(user)
    visible += [
        sa.and_(
            Material.access == MaterialAccess.COMMUNITY,
            Material.access_community_id.in_(active_community_ids(user.id)),
        ),
        sa.and_(Material.access == MaterialAccess.BODY, Material.access_body_id.in_(seated)),
    ]
    return sa.or_(*visible)
