"""The data model, one module per aggregate; importing this package registers every table."""

from .api_token import ApiToken
from .audit import AuditEvent
from .committee import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyStatus,
    CommitteeSession,
    ProxyRule,
    QuorumRule,
    Seat,
    SeatRole,
    SessionKind,
    SessionStatus,
    VotingRule,
    agenda_item_document,
)
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
from .room import (
    Message,
    MessageAttachment,
    MessageReport,
    MessageRevision,
    Room,
    RoomKind,
    RoomMute,
    RoomRead,
)
from .score import PeerGroup, ScoreRun, StoredMedian, StoredRank, StoredScore, peer_group_member
from .stored_file import StoredFile
from .submission import (
    DataCall,
    DataCallStatus,
    Submission,
    SubmissionComment,
    SubmissionEvidence,
    SubmissionStatus,
    SubmissionValue,
    data_call_community,
)
from .user import User, Visibility

__all__ = [
    "AgendaItem",
    "AgendaItemKind",
    "ApiToken",
    "Attendance",
    "AttendanceStatus",
    "AuditEvent",
    "Body",
    "BodyKind",
    "BodyStatus",
    "CommitteeSession",
    "CommunityRole",
    "CommunityStatus",
    "Country",
    "DataCall",
    "DataCallStatus",
    "Delivery",
    "FrozenMethodologyError",
    "Invitation",
    "JobState",
    "JoinRequest",
    "MailStatus",
    "Membership",
    "MembershipStatus",
    "Message",
    "MessageAttachment",
    "MessageReport",
    "MessageRevision",
    "MethodologyStatus",
    "MethodologyVersion",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OutboxMail",
    "PeerGroup",
    "Phase",
    "Port",
    "PortCommunity",
    "ProxyRule",
    "QuorumRule",
    "RequestStatus",
    "Room",
    "RoomKind",
    "RoomMute",
    "RoomRead",
    "ScoreRun",
    "Seat",
    "SeatRole",
    "Sector",
    "SessionKind",
    "SessionStatus",
    "StakeholderType",
    "StoredFile",
    "StoredMedian",
    "StoredRank",
    "StoredScore",
    "Submission",
    "SubmissionComment",
    "SubmissionEvidence",
    "SubmissionStatus",
    "SubmissionValue",
    "SupportStage",
    "User",
    "Visibility",
    "VotingRule",
    "agenda_item_document",
    "community_port",
    "data_call_community",
    "peer_group_member",
]
