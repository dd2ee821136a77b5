"""Peer groups of the Competitiveness Index: communities compared with each other (by size, sub-region ...).

The Secretariat defines them; each run of the index stores the median of every group beside the
network's. A community is in at most one group, so moving it from one group to another is explicit:
saving a group with a community that belongs elsewhere is refused unless the move is asked for.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..models import CommunityStatus, PeerGroup, PortCommunity, User, peer_group_member
from ..models.base import localized
from . import audit
from .changes import commit_unique, taken_by_another
from .text_input import one_line

CODE_MAX = PeerGroup.code.type.length
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_MAX = 120


@dataclass(frozen=True)
class PeerGroupData:
    """A group's names and descriptions per locale and its communities; the code only when adding."""

    name: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    community_ids: list[int] = field(default_factory=list)
    move: bool = False  # take the chosen communities out of the groups they are in now
    code: str | None = None


def list_groups() -> list[PeerGroup]:
    """Every peer group with its communities, by code."""
    query = sa.select(PeerGroup).options(sa.orm.selectinload(PeerGroup.communities)).order_by(PeerGroup.code)
    return list(db.session.scalars(query))


def group_of(community_ids: list[int]) -> dict[int, PeerGroup]:
    """The current group of each of these communities that is in one."""
    rows = db.session.execute(
        sa.select(peer_group_member.c.community_id, PeerGroup)
        .join(PeerGroup, PeerGroup.id == peer_group_member.c.peer_group_id)
        .where(peer_group_member.c.community_id.in_(community_ids))
    )
    return dict(rows.all())


def community_choices(locale: str, group: PeerGroup | None = None) -> list[tuple[int, str]]:
    """(id, label) of live communities (and the group's own), labelled with the group they are in now."""
    keep = [community.id for community in group.communities] if group else []
    communities = db.session.scalars(
        sa.select(PortCommunity)
        .where(sa.or_(PortCommunity.status != CommunityStatus.ARCHIVED, PortCommunity.id.in_(keep)))
        .order_by(PortCommunity.name)
    ).all()
    current = group_of([community.id for community in communities])

    def label(community: PortCommunity) -> str:
        other = current.get(community.id)
        if other is None or (group is not None and other.id == group.id):
            return community.name
        return _(
            "%(community)s (now in %(group)s)", community=community.name, group=localized(other.name, locale)
        )

    return [(community.id, label(community)) for community in communities]


def _clean_texts(texts: dict[str, str], what: str) -> dict[str, str]:
    cleaned = {locale: one_line(text) for locale, text in texts.items()}
    if what == "name" and any(len(text) > NAME_MAX for text in cleaned.values()):
        raise DomainError(_("A name has at most %(max)d characters.", max=NAME_MAX), field="name_en")
    return {locale: text for locale, text in cleaned.items() if text}


def _chosen(group: PeerGroup | None, data: PeerGroupData) -> list[PortCommunity]:
    """The chosen communities; refuses ones in another group unless the move is asked for."""
    ids = sorted(set(data.community_ids))
    communities = list(db.session.scalars(sa.select(PortCommunity).where(PortCommunity.id.in_(ids))))
    if len(communities) != len(ids):
        raise DomainError(_("Choose communities of the network."), field="community_ids")
    names = {community.id: community.name for community in communities}
    elsewhere = [
        names[community_id]
        for community_id, other in group_of(ids).items()
        if group is None or other.id != group.id
    ]
    if elsewhere and not data.move:
        raise DomainError(
            _(
                "Already in another peer group: %(names)s. Tick “move” to move them into this one.",
                names=", ".join(sorted(elsewhere)),
            ),
            field="community_ids",
        )
    return communities


def _summary(group: PeerGroup) -> dict[str, object]:
    return {
        "code": group.code,
        "name": dict(group.name),
        "description": dict(group.description or {}),
        "communities": sorted(community.name for community in group.communities),
    }


def _apply(group: PeerGroup | None, data: PeerGroupData) -> tuple[dict[str, str], dict[str, str], list]:
    name = _clean_texts(data.name, "name")
    if not name:
        raise DomainError(_("Give the group a name in at least one language."), field="name_en")
    return name, _clean_texts(data.description, "description"), _chosen(group, data)


def _move_out(actor: User | None, communities: list[PortCommunity], group: PeerGroup | None) -> None:
    """Take communities out of their current groups (each change audited on the group it leaves)."""
    for other in {g.id: g for g in group_of([c.id for c in communities]).values()}.values():
        if group is not None and other.id == group.id:
            continue
        old = _summary(other)
        other.communities = [c for c in other.communities if c not in communities]
        audit.record(actor, "peer_group.update", other, old=old, new=_summary(other))
    db.session.flush()  # the unique community_id must be free before the group takes it


def create_group(actor: User | None, data: PeerGroupData) -> PeerGroup:
    """Add a peer group with a code (lowercase letters, digits and hyphens; it never changes)."""
    code = (data.code or "").strip().lower()
    if not CODE_PATTERN.match(code) or len(code) > CODE_MAX:
        raise DomainError(_("Use lowercase letters, digits and hyphens, such as caribbean."), field="code")

    def duplicate() -> DomainError:
        return DomainError(_("Another peer group already has the code %(code)s.", code=code), field="code")

    if taken_by_another(PeerGroup, None, PeerGroup.code == code):
        raise duplicate()
    name, description, communities = _apply(None, data)
    _move_out(actor, communities, None)
    group = PeerGroup(code=code, name=name, description=description or None, communities=communities)
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "peer_group.create", group, new=_summary(group))
    commit_unique(duplicate)
    return group


def update_group(actor: User | None, group: PeerGroup, data: PeerGroupData) -> PeerGroup:
    """Change a group's names, description and communities (moving communities in only when asked)."""
    name, description, communities = _apply(group, data)
    old = _summary(group)
    _move_out(actor, communities, group)
    group.name, group.description, group.communities = name, description or None, communities
    new = _summary(group)
    if new != old:
        audit.record(actor, "peer_group.update", group, old=old, new=new)
    db.session.commit()
    return group


def delete_group(actor: User | None, group: PeerGroup) -> None:
    """Delete a group; runs already stored keep its medians under its code."""
    audit.record(actor, "peer_group.delete", group, old=_summary(group))
    db.session.delete(group)
    db.session.commit()
