"""Translated labels for every enumerated value users see (forms, tables, mail)."""

from enum import Enum

from flask_babel import lazy_gettext as _l

from .models import (
    CommunityRole,
    CommunityStatus,
    Delivery,
    MailStatus,
    MembershipStatus,
    Phase,
    RequestStatus,
    Sector,
    StakeholderType,
    SupportStage,
    Visibility,
)

LABELS: dict[Enum, object] = {
    StakeholderType.CUSTOMS: _l("Customs"),
    StakeholderType.MINISTRY: _l("Ministry"),
    StakeholderType.PORT_AUTHORITY: _l("Port authority"),
    StakeholderType.MARITIME_AUTHORITY: _l("Maritime authority"),
    StakeholderType.PORT_TERMINAL: _l("Port terminal"),
    StakeholderType.SHIPPING_COMPANY: _l("Shipping company"),
    StakeholderType.PORT_AGENT: _l("Port agent"),
    StakeholderType.LOGISTICS_COMPANY: _l("Logistics or foreign-trade company"),
    StakeholderType.STARTUP: _l("Entrepreneur or startup"),
    StakeholderType.TECHNOLOGY_CENTRE: _l("Technology centre"),
    StakeholderType.TRADE_UNION: _l("Trade union"),
    StakeholderType.ACADEMIA: _l("Academia or research centre"),
    StakeholderType.CONSULTANT: _l("Consultant"),
    StakeholderType.MEDIA: _l("Specialised media"),
    StakeholderType.MULTILATERAL: _l("Multilateral organisation"),
    Sector.PUBLIC: _l("Public"),
    Sector.PRIVATE: _l("Private"),
    Sector.ACADEMIC: _l("Academic"),
    Phase.I: _l("Phase I"),
    Phase.II: _l("Phase II"),
    Phase.III: _l("Phase III"),
    Phase.LATER: _l("Later phase"),
    SupportStage.CONCEPTUALISATION: _l("Conceptualisation"),
    SupportStage.MOBILISATION: _l("Mobilisation of members"),
    SupportStage.STRATEGIC_PLANNING: _l("Strategic planning"),
    SupportStage.DIAGNOSIS_WORKSHOP: _l("Strategic diagnosis workshop"),
    SupportStage.CONSOLIDATION: _l("Consolidation"),
    CommunityStatus.FORMING: _l("Forming"),
    CommunityStatus.ACTIVE: _l("Active"),
    CommunityStatus.ARCHIVED: _l("Archived"),
    CommunityRole.COORDINATOR: _l("Coordinator"),
    CommunityRole.FOCAL_POINT: _l("Focal point"),
    CommunityRole.VALIDATOR: _l("Validator"),
    CommunityRole.MEMBER: _l("Member"),
    MembershipStatus.ACTIVE: _l("Active"),
    MembershipStatus.LEFT: _l("Left"),
    MembershipStatus.REMOVED: _l("Removed"),
    RequestStatus.PENDING: _l("Pending"),
    RequestStatus.APPROVED: _l("Approved"),
    RequestStatus.REJECTED: _l("Rejected"),
    RequestStatus.WITHDRAWN: _l("Withdrawn"),
    RequestStatus.ACCEPTED: _l("Accepted"),
    RequestStatus.REVOKED: _l("Revoked"),
    Visibility.HIDDEN: _l("Nobody (hidden from directories)"),
    Visibility.COMMUNITY: _l("Members of my communities"),
    Visibility.NETWORK: _l("All members of the network"),
    Delivery.IMMEDIATE: _l("Immediately by mail"),
    Delivery.DIGEST: _l("Daily digest by mail"),
    Delivery.IN_APP: _l("In the platform only"),
    Delivery.OFF: _l("Off"),
    MailStatus.PENDING: _l("Pending"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}


def label(value: Enum | None) -> str:
    """The translated label of an enum value ('' for None)."""
    if value is None:
        return ""
    return str(LABELS.get(value, value.value))


def choices(enum_cls: type[Enum]) -> list[tuple[str, object]]:
    """(value, label) pairs for a WTForms select, in declaration order."""
    return [(member.value, LABELS.get(member, member.value)) for member in enum_cls]
