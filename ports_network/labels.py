"""Translated labels for every enumerated value users see (forms, tables, mail)."""

from enum import Enum
from typing import Any

from flask_babel import lazy_gettext as _l

from .models import (
    ActionItemStatus,
    AgendaItemKind,
    AttendanceStatus,
    BodyKind,
    BodyStatus,
    CommunityRole,
    CommunityStatus,
    DataCallStatus,
    Delivery,
    MailStatus,
    MembershipStatus,
    MinutesStatus,
    MotionStatus,
    Phase,
    ProxyRule,
    QuorumRule,
    RequestStatus,
    SeatRole,
    Sector,
    SessionKind,
    SessionStatus,
    SpeakerStatus,
    StakeholderType,
    SubmissionStatus,
    SupportStage,
    VersionOrigin,
    Visibility,
    VoteChoice,
    VoteMethod,
    VotingRule,
)

_ENTRIES: tuple[tuple[Enum, Any], ...] = (
    (StakeholderType.CUSTOMS, _l("Customs")),
    (StakeholderType.MINISTRY, _l("Ministry")),
    (StakeholderType.PORT_AUTHORITY, _l("Port authority")),
    (StakeholderType.MARITIME_AUTHORITY, _l("Maritime authority")),
    (StakeholderType.PORT_TERMINAL, _l("Port terminal")),
    (StakeholderType.SHIPPING_COMPANY, _l("Shipping company")),
    (StakeholderType.PORT_AGENT, _l("Port agent")),
    (StakeholderType.LOGISTICS_COMPANY, _l("Logistics or foreign-trade company")),
    (StakeholderType.STARTUP, _l("Entrepreneur or startup")),
    (StakeholderType.TECHNOLOGY_CENTRE, _l("Technology centre")),
    (StakeholderType.TRADE_UNION, _l("Trade union")),
    (StakeholderType.ACADEMIA, _l("Academia or research centre")),
    (StakeholderType.CONSULTANT, _l("Consultant")),
    (StakeholderType.MEDIA, _l("Specialised media")),
    (StakeholderType.MULTILATERAL, _l("Multilateral organisation")),
    (Sector.PUBLIC, _l("Public")),
    (Sector.PRIVATE, _l("Private")),
    (Sector.ACADEMIC, _l("Academic")),
    (Phase.I, _l("Phase I")),
    (Phase.II, _l("Phase II")),
    (Phase.III, _l("Phase III")),
    (Phase.LATER, _l("Later phase")),
    (SupportStage.CONCEPTUALISATION, _l("Conceptualisation")),
    (SupportStage.MOBILISATION, _l("Mobilisation of members")),
    (SupportStage.STRATEGIC_PLANNING, _l("Strategic planning")),
    (SupportStage.DIAGNOSIS_WORKSHOP, _l("Strategic diagnosis workshop")),
    (SupportStage.CONSOLIDATION, _l("Consolidation")),
    (CommunityStatus.FORMING, _l("Forming")),
    (CommunityStatus.ACTIVE, _l("Active")),
    (CommunityStatus.ARCHIVED, _l("Archived")),
    (CommunityRole.COORDINATOR, _l("Coordinator")),
    (CommunityRole.FOCAL_POINT, _l("Focal point")),
    (CommunityRole.VALIDATOR, _l("Validator")),
    (CommunityRole.MEMBER, _l("Member")),
    (MembershipStatus.ACTIVE, _l("Active")),
    (MembershipStatus.LEFT, _l("Left")),
    (MembershipStatus.REMOVED, _l("Removed")),
    (RequestStatus.PENDING, _l("Pending")),
    (RequestStatus.APPROVED, _l("Approved")),
    (RequestStatus.REJECTED, _l("Rejected")),
    (RequestStatus.WITHDRAWN, _l("Withdrawn")),
    (RequestStatus.ACCEPTED, _l("Accepted")),
    (RequestStatus.REVOKED, _l("Revoked")),
    (Visibility.HIDDEN, _l("Nobody (hidden from directories)")),
    (Visibility.COMMUNITY, _l("Members of my communities")),
    (Visibility.NETWORK, _l("All members of the network")),
    (Delivery.IMMEDIATE, _l("Immediately by mail")),
    (Delivery.DIGEST, _l("Daily digest by mail")),
    (Delivery.IN_APP, _l("In the platform only")),
    (Delivery.OFF, _l("Off")),
    (MailStatus.PENDING, _l("Pending")),
    (MailStatus.SENT, _l("Sent")),
    (MailStatus.FAILED, _l("Failed")),
    (DataCallStatus.OPEN, _l("Open")),
    (DataCallStatus.CLOSED, _l("Closed")),
    (SubmissionStatus.DRAFT, _l("Draft")),
    (SubmissionStatus.SUBMITTED, _l("Submitted")),
    (SubmissionStatus.RETURNED, _l("Returned")),
    (SubmissionStatus.VALIDATED, _l("Validated")),
    (SubmissionStatus.ACCEPTED, _l("Accepted")),
    (SubmissionStatus.PUBLISHED, _l("Published")),
    # Governance bodies. Values without an entry here ("two_thirds" of the quorum rule) take the label their
    # value has elsewhere.
    (BodyKind.DIRECTIVE_COMMITTEE, _l("Directive committee")),
    (BodyKind.TECHNICAL_COMMITTEE, _l("Technical committee")),
    (BodyKind.EXPERT_GROUP, _l("Expert group")),
    (BodyKind.METHODOLOGICAL_SUPPORT_GROUP, _l("Methodological support group")),
    (BodyKind.STEERING_COMMITTEE, _l("Steering committee")),
    (BodyKind.ACTION_COMMITTEE, _l("Action committee")),
    (BodyStatus.ACTIVE, _l("Active")),
    (BodyStatus.CLOSED, _l("Closed")),
    (VotingRule.SIMPLE_MAJORITY, _l("Simple majority")),
    (VotingRule.TWO_THIRDS, _l("Two thirds")),
    (VotingRule.CONSENSUS, _l("Consensus")),
    (QuorumRule.MAJORITY, _l("Majority of the voting seats")),
    (QuorumRule.FIXED, _l("A fixed number of voting seats")),
    (ProxyRule.NONE, _l("No proxies")),
    (ProxyRule.VOTING_MEMBER, _l("Any voting member who attends")),
    (SeatRole.CHAIR, _l("Chair")),
    (SeatRole.VICE_CHAIR, _l("Vice-chair")),
    (SeatRole.SECRETARY, _l("Secretary / rapporteur")),
    (SeatRole.MEMBER, _l("Member")),
    (SeatRole.OBSERVER, _l("Observer")),
    (SessionKind.IN_PERSON, _l("In person")),
    (SessionKind.ONLINE, _l("Online")),
    (SessionKind.HYBRID, _l("Hybrid (in person and online)")),
    (SessionStatus.SCHEDULED, _l("Scheduled")),
    (SessionStatus.CONVENED, _l("Convened")),
    (SessionStatus.IN_PROGRESS, _l("In progress")),
    (SessionStatus.CLOSED, _l("Closed")),
    (SessionStatus.CANCELLED, _l("Cancelled")),
    (AgendaItemKind.INFORMATION, _l("Information")),
    (AgendaItemKind.DELIBERATION, _l("Deliberation")),
    (AgendaItemKind.DECISION, _l("Decision")),
    (AttendanceStatus.PRESENT, _l("Present")),
    (AttendanceStatus.REMOTE, _l("Remote")),
    (AttendanceStatus.EXCUSED, _l("Excused")),
    (AttendanceStatus.ABSENT, _l("Absent")),
    # Minutes and action items: "open", "draft", "approved", "rejected", "accepted", "pending", "in_progress"
    # and "cancelled" take the labels these values have in other enums.
    (MinutesStatus.AMENDMENTS, _l("Open for amendments")),
    (VersionOrigin.GENERATED, _l("Written from the session record")),
    (VersionOrigin.EDITED, _l("Edited")),
    (VersionOrigin.AMENDMENT, _l("Amendment accepted")),
    (ActionItemStatus.DONE, _l("Done")),
    (MotionStatus.PROPOSED, _l("Proposed")),
    (MotionStatus.VOTING, _l("Being voted on")),
    (MotionStatus.CARRIED, _l("Carried")),
    (MotionStatus.REJECTED, _l("Rejected")),
    (MotionStatus.WITHDRAWN, _l("Withdrawn")),
    (MotionStatus.NO_QUORUM, _l("Not decided: turnout too low")),
    (VoteMethod.SHOW_OF_HANDS, _l("Show of hands (recorded by name)")),
    (VoteMethod.NAMED, _l("Named electronic vote")),
    (VoteMethod.SECRET, _l("Secret ballot")),
    (VoteChoice.YES, _l("Yes")),
    (VoteChoice.NO, _l("No")),
    (VoteChoice.ABSTAIN, _l("Abstain")),
    (SpeakerStatus.WAITING, _l("Waiting")),
    (SpeakerStatus.SPEAKING, _l("Has the floor")),
    (SpeakerStatus.DONE, _l("Spoke")),
)


# Looked up by enum class and value: StrEnum members with equal values are equal (and hash alike), so a
# dict keyed by the members themselves would keep one label for, say, an action item "done" and a speaker
# "done". A member without an entry of its own takes the first label given to its value in another enum.
LABELS: dict[tuple[type[Enum], Any], object] = {(type(m), m.value): text for m, text in _ENTRIES}
SHARED: dict[Any, object] = {}
for _member, _label in _ENTRIES:
    SHARED.setdefault(_member.value, _label)


def _text(member: Enum) -> object:
    key = (type(member), member.value)
    return LABELS[key] if key in LABELS else SHARED.get(member.value, member.value)


def label(value: Enum | None) -> str:
    """The translated label of an enum value ('' for None)."""
    if value is None:
        return ""
    return str(_text(value))


def choices(enum_cls: type[Enum]) -> list[tuple[str, object]]:
    """(value, label) pairs for a WTForms select, in declaration order."""
    return [(member.value, _text(member)) for member in enum_cls]
