"""The data model, one module per aggregate; importing this package registers every table."""

from .audit import AuditEvent
from .community import CommunityStatus, Phase, PortCommunity, SupportStage, community_port
from .country import Country
from .job import JobState
from .mail import MailStatus, OutboxMail
from .membership import (
    CommunityRole,
    Invitation,
    JoinRequest,
    Membership,
    MembershipStatus,
    RequestStatus,
)
from .methodology import FrozenMethodologyError, MethodologyStatus, MethodologyVersion
from .notification import Delivery, Notification, NotificationPreference
from .organisation import Organisation, Sector, StakeholderType
from .port import Port
from .room import Message, MessageReport, MessageRevision, Room, RoomKind, RoomMute, RoomRead
from .stored_file import StoredFile
from .user import User, Visibility

__all__ = [
    "AuditEvent",
    "CommunityRole",
    "CommunityStatus",
    "Country",
    "Delivery",
    "FrozenMethodologyError",
    "Invitation",
    "JobState",
    "JoinRequest",
    "MailStatus",
    "Membership",
    "MembershipStatus",
    "Message",
    "MessageReport",
    "MessageRevision",
    "MethodologyStatus",
    "MethodologyVersion",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutboxMail",
    "Phase",
    "Port",
    "PortCommunity",
    "RequestStatus",
    "Room",
    "RoomKind",
    "RoomMute",
    "RoomRead",
    "Sector",
    "StakeholderType",
    "StoredFile",
    "SupportStage",
    "User",
    "Visibility",
    "community_port",
]
