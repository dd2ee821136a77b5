"""The audit log: recording who changed what (inside the caller's transaction, so a change and its record
commit together), and reading it back with actions and values in words."""

from dataclasses import dataclass
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..labels import label
from ..models import (
    ActionItemStatus,
    AgendaItemKind,
    AttendanceStatus,
    AuditEvent,
    BodyKind,
    CommunityRole,
    CommunityStatus,
    DataCallStatus,
    EventFormat,
    EventKind,
    EventStatus,
    MaterialAccess,
    MaterialType,
    MembershipStatus,
    MinutesStatus,
    MotionStatus,
    Phase,
    PortCommunity,
    ProxyRule,
    QuorumRule,
    RegistrationStatus,
    RequestStatus,
    SeatRole,
    Sector,
    SessionKind,
    SessionStatus,
    SpeakerStatus,
    StakeholderType,
    SubmissionStatus,
    SupportStage,
    User,
    Visibility,
    VoteChoice,
    VoteMethod,
    VotingRule,
    WorkshopTopic,
)


def record(
    actor: User | None,
    action: str,
    subject: Any,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    community: PortCommunity | None = None,
) -> AuditEvent:
    """Add an audit event for `subject` (a model instance) to the session; the caller commits."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        community_id=community.id if community is not None else None,
        old=_plain(old),
        new=_plain(new),
    )
    db.session.add(event)
    return event


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copy: enums become their values, dates their ISO text."""
    if values is None:
        return None
    return {key: getattr(value, "value", None) or _iso(value) for key, value in values.items()}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def events(*, community: PortCommunity | None = None, limit: int = 200) -> list[AuditEvent]:
    """Most recent audit events, optionally for one community."""
    query = sa.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    if community is not None:
        query = query.where(AuditEvent.community_id == community.id)
    return list(db.session.scalars(query))


ACTION_LABELS: dict[str, Any] = {
    "community.create": _l("Community created"),
    "community.update": _l("Community changed"),
    "community.archive": _l("Community archived"),
    "membership.add": _l("Member added"),
    "membership.role": _l("Role changed"),
    "membership.remove": _l("Member removed"),
    "membership.leave": _l("Member left"),
    "join_request.create": _l("Request to join sent"),
    "join_request.withdraw": _l("Request to join withdrawn"),
    "join_request.approve": _l("Request to join approved"),
    "join_request.reject": _l("Request to join rejected"),
    "invitation.create": _l("Invitation sent"),
    "invitation.accept": _l("Invitation accepted"),
    "invitation.revoke": _l("Invitation revoked"),
    "invitation.expire": _l("Invitation expired"),
    "country.create": _l("Country added"),
    "country.update": _l("Country changed"),
    "country.archive": _l("Country archived"),
    "country.restore": _l("Country restored"),
    "port.create": _l("Port added"),
    "port.update": _l("Port changed"),
    "port.archive": _l("Port archived"),
    "port.restore": _l("Port restored"),
    "organisation.create": _l("Organisation added"),
    "organisation.update": _l("Organisation changed"),
    "organisation.archive": _l("Organisation archived"),
    "organisation.restore": _l("Organisation restored"),
    "organisation.logo": _l("Organisation logo changed"),
    "user.create": _l("Account created by the Secretariat"),
    "user.update": _l("Account changed by the Secretariat"),
    "user.confirm_email": _l("Email address confirmed by the Secretariat"),
    "account.registered": _l("Account registered"),
    "account.email_confirmed": _l("Email address confirmed"),
    "account.email_changed": _l("Email address changed"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset"),
    "account.privacy_changed": _l("Privacy settings changed"),
    "account.profile_updated": _l("Profile changed"),
    "account.deleted": _l("Account deleted"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "methodology.import": _l("Index methodology imported"),
    "methodology.freeze": _l("Index methodology frozen"),
    "room.message_hide": _l("Room message hidden by a moderator"),
    "room.reports_dismiss": _l("Reports on a room message dismissed"),
    "room.mute": _l("Member muted in a room"),
    "room.read_only": _l("Room made read-only or writable again"),
    "room.open_topic": _l("Topic room opened"),
    "room.archive": _l("Topic room archived"),
    "submission.publish": _l("Index submission published"),
    "index.compute": _l("Index scores computed and stored"),
    "peer_group.create": _l("Peer group added"),
    "peer_group.update": _l("Peer group changed"),
    "peer_group.delete": _l("Peer group deleted"),
    "data_call.open": _l("Index data call opened"),
    "data_call.update": _l("Index data call changed"),
    "data_call.close": _l("Index data call closed"),
    "data_call.reopen": _l("Index data call reopened"),
    "submission.open": _l("Index submission started"),
    "submission.values": _l("Index values saved"),
    "submission.upload": _l("Index spreadsheet uploaded"),
    "submission.evidence": _l("Evidence attached to the index submission"),
    "submission.submit": _l("Index submission submitted"),
    "submission.return": _l("Index submission returned"),
    "submission.validate": _l("Index submission validated"),
    "submission.accept": _l("Index submission accepted"),
    "submission.reopen": _l("Indicators of an accepted submission reopened"),
    "committee.create": _l("Governance body created"),
    "committee.update": _l("Governance body changed"),
    "committee.work_plan": _l("Work plan of a governance body uploaded"),
    "seat.create": _l("Seat in a governance body assigned"),
    "seat.update": _l("Seat in a governance body changed"),
    "committee_session.schedule": _l("Session scheduled"),
    "committee_session.update": _l("Session changed"),
    "committee_session.cancel": _l("Session cancelled"),
    "committee_session.convene": _l("Session convened"),
    "agenda_item.add": _l("Agenda item added"),
    "agenda_item.update": _l("Agenda item changed"),
    "agenda_item.move": _l("Agenda item moved"),
    "agenda_item.remove": _l("Agenda item removed"),
    "agenda_item.attach": _l("Document attached to an agenda item"),
    "agenda_item.detach": _l("Document removed from an agenda item"),
    "minutes.generate": _l("Minutes generated from the session record"),
    "minutes.regenerate": _l("Minutes generated again from the session record"),
    "minutes.edit": _l("Minutes edited"),
    "minutes.open_amendments": _l("Minutes opened for amendments"),
    "minutes.close_amendments": _l("Amendment window closed"),
    "minutes.propose_amendment": _l("Amendment to the minutes proposed"),
    "minutes.accept_amendment": _l("Amendment to the minutes accepted"),
    "minutes.reject_amendment": _l("Amendment to the minutes rejected"),
    "minutes.approve": _l("Minutes approved and locked"),
    "action_item.create": _l("Action item created"),
    "action_item.update": _l("Action item changed"),
    "action_item.status": _l("Action item status changed"),
    "committee_session.open": _l("Session opened"),
    "committee_session.close": _l("Session closed"),
    "committee_session.current_item": _l("Session moved to another agenda item"),
    "committee_attendance.record": _l("Roll call answer recorded"),
    "speaker.request": _l("Floor requested"),
    "speaker.withdraw": _l("Floor request withdrawn"),
    "speaker.next": _l("Floor given to the next speaker"),
    "motion.propose": _l("Motion proposed"),
    "motion.withdraw": _l("Motion withdrawn"),
    "motion.open_vote": _l("Motion put to the vote"),
    "motion.ballot": _l("Named vote cast"),
    "motion.hand": _l("Hand recorded in a vote by show of hands"),
    "motion.close": _l("Vote closed and counted"),
    "material.create": _l("Material added to the library"),
    "material.version": _l("New version of a material uploaded"),
    "material.update": _l("Material changed"),
    "material.caption": _l("Captions of a recording uploaded"),
    "event.create": _l("Event created"),
    "event.update": _l("Event changed"),
    "event.publish": _l("Event published"),
    "event.cancel": _l("Event cancelled"),
    "event.attendance": _l("Attendance at an event recorded"),
    "event_session.add": _l("Programme session added"),
    "event_session.update": _l("Programme session changed"),
    "event_session.remove": _l("Programme session removed"),
    "event_speaker.add": _l("Speaker added to a programme session"),
    "event_speaker.remove": _l("Speaker removed from a programme session"),
    "event_registration.create": _l("Registered for an event"),
    "event_registration.cancel": _l("Registration for an event cancelled"),
    "event_registration.promote": _l("Place at an event given from the waiting list"),
}
FIELD_LABELS: dict[str, Any] = {
    "person": _l("Person"),
    "organisation": _l("Organisation"),
    "role": _l("Role"),
    "status": _l("Status"),
    "email": _l("Email"),
    "message": _l("Message"),
    "name": _l("Name"),
    "slug": _l("Web address"),
    "country_id": _l("Country"),
    "port_ids": _l("Ports"),
    "phase": _l("Phase"),
    "joined_year": _l("Year joined"),
    "support_stage": _l("Support stage"),
    "mou_signed": _l("Memorandum of Understanding signed"),
    "mou_signed_on": _l("Date the MoU was signed"),
    "mou_signatory": _l("Who signed the MoU"),
    "description": _l("Description"),
    "alpha2": _l("ISO code"),
    "sela_member": _l("SELA member"),
    "archived": _l("Archived"),
    "unlocode": _l("UN/LOCODE"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "stakeholder_type": _l("Kind of organisation"),
    "sector": _l("Sector"),
    "website": _l("Website"),
    "logo": _l("Logo"),
    "is_secretariat": _l("Technical Secretariat"),
    "is_disabled": _l("Disabled"),
    "preferred_locale": _l("Preferred language"),
    "visibility": _l("Who can see my profile"),
    "show_email": _l("Show my email address"),
    "show_phone": _l("Show my phone number"),
    "job_title": _l("Job title"),
    "phone": _l("Phone"),
    "bio": _l("About"),
    "prefix": _l("Starts with"),
    "expires_at": _l("Expires"),
    "revoked_at": _l("Revoked"),
    "email_confirmed_at": _l("Email address confirmed"),
    "hidden": _l("Hidden"),
    "muted_until": _l("Muted until"),
    "read_only": _l("Read-only"),
    "title": _l("Title"),
    "period": _l("Period"),
    "deadline": _l("Deadline"),
    "methodology_version": _l("Methodology version"),
    "communities": _l("Communities"),
    "reopened_codes": _l("Reopened indicators"),
    "code": _l("Code"),
    "periods": _l("Periods"),
    "version": _l("Methodology version"),
    "indicator": _l("Indicator"),
    "file": _l("File"),
    "body": _l("Body"),
    "body_kind": _l("Kind of body"),
    "mandate": _l("Mandate"),
    "term_start": _l("Term starts"),
    "term_end": _l("Term ends"),
    "voting_rule": _l("Voting rule"),
    "quorum_rule": _l("Quorum rule"),
    "quorum_count": _l("Quorum (number of voting seats)"),
    "proxy_rule": _l("Who may hold a proxy"),
    "max_proxies": _l("Proxies per holder"),
    "requires_mou": _l("Requires the community's signed MoU"),
    "work_plan": _l("Work plan"),
    "community": _l("Community"),
    "seat_role": _l("Seat"),
    "start_date": _l("From"),
    "end_date": _l("Until"),
    "session": _l("Session"),
    "session_kind": _l("Kind of session"),
    "session_status": _l("Status"),
    "place": _l("Place"),
    "link": _l("Online meeting link"),
    "starts_at": _l("Starts (UTC)"),
    "time_zone": _l("Time zone"),
    "duration_minutes": _l("Duration (minutes)"),
    "reason": _l("Reason"),
    "recipients": _l("People convened"),
    "item_kind": _l("Kind of item"),
    "presenter": _l("Presenter"),
    "time_box_minutes": _l("Time box (minutes)"),
    "position": _l("Position"),
    "minutes_version": _l("Version of the minutes"),
    "note": _l("Note"),
    "amendment": _l("Amendment"),
    "hash": _l("SHA-256"),
    "due_date": _l("Due date"),
    "completed_on": _l("Completed on"),
    "item": _l("Agenda item"),
    "attendance": _l("Roll call"),
    "proxy_holder": _l("Proxy held by"),
    "speaker": _l("Speaker"),
    "speaker_status": _l("Floor"),
    "text": _l("Motion"),
    "mover": _l("Moved by"),
    "seconder": _l("Seconded by"),
    "motion_status": _l("Status"),
    "vote_method": _l("How the vote is taken"),
    "eligible_votes": _l("Votes that can be cast"),
    "choice": _l("Vote"),
    "weight": _l("Weight (own vote and proxies)"),
    "yes_votes": _l("Yes"),
    "no_votes": _l("No"),
    "abstentions": _l("Abstentions"),
    "closes_at": _l("Closes (UTC)"),
    "required_turnout": _l("Turnout required"),
    "material_kind": _l("Type of material"),
    "material_access": _l("Who may see it"),
    "access_community": _l("Community that may see it"),
    "access_body": _l("Body that may see it"),
    "embargo_until": _l("Public from"),
    "issued_on": _l("Date of the document"),
    "authors": _l("Authors"),
    "tags": _l("Tags"),
    "community_id": _l("Community"),
    "body_id": _l("Body"),
    "committee_session_id": _l("Session"),
    "event_id": _l("Event"),
    "event_session_id": _l("Event session"),
    "indicator_code": _l("Indicator"),
    "language": _l("Language"),
    "event_kind": _l("Kind of event"),
    "event_format": _l("Format"),
    "event_status": _l("Status"),
    "workshop_topic": _l("Workshop topic"),
    "edition": _l("Edition"),
    "outcomes": _l("Outcomes"),
    "online_link": _l("Online link"),
    "ends_at": _l("Ends (UTC)"),
    "registration_open": _l("Registration on the platform"),
    "capacity": _l("Capacity"),
    "registration_deadline": _l("Registration deadline (UTC)"),
    "waiting_list": _l("Waiting list when full"),
    "declared_participants": _l("Participants (published figure)"),
    "declared_countries": _l("Countries represented (published)"),
    "partners": _l("Organisers and partners"),
    "attended": _l("Attended"),
    "absent": _l("Absent"),
    "affiliation": _l("Affiliation"),
}
# Stored enum values are shown with their translated labels; "active" means the same in both enums.
VALUE_ENUMS: dict[str, tuple[type[Enum], ...]] = {
    "role": (CommunityRole,),
    "status": (
        RequestStatus,
        MembershipStatus,
        CommunityStatus,
        DataCallStatus,
        SubmissionStatus,
        MinutesStatus,
        ActionItemStatus,
        RegistrationStatus,
    ),
    "phase": (Phase,),
    "support_stage": (SupportStage,),
    "stakeholder_type": (StakeholderType,),
    "sector": (Sector,),
    "visibility": (Visibility,),
    "body_kind": (BodyKind,),
    "voting_rule": (VotingRule,),
    "quorum_rule": (QuorumRule,),
    "proxy_rule": (ProxyRule,),
    "seat_role": (SeatRole,),
    "session_kind": (SessionKind,),
    "session_status": (SessionStatus,),
    "item_kind": (AgendaItemKind,),
    "attendance": (AttendanceStatus,),
    "motion_status": (MotionStatus,),
    "vote_method": (VoteMethod,),
    "choice": (VoteChoice,),
    "speaker_status": (SpeakerStatus,),
    "material_kind": (MaterialType,),
    "material_access": (MaterialAccess,),
    "event_kind": (EventKind,),
    "event_format": (EventFormat,),
    "event_status": (EventStatus,),
    "workshop_topic": (WorkshopTopic,),
}


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    for enum_cls in VALUE_ENUMS.get(key, ()):
        if value in {member.value for member in enum_cls}:
            return label(enum_cls(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class AuditEntry:
    """One audit event ready to print: when, who, what, where, and each change as label, old, new."""

    event: AuditEvent
    actor: User | None
    community: PortCommunity | None
    what: str
    changes: list[tuple[str, str, str]]


def _entry(event: AuditEvent, actors: dict[int, User], communities: dict[int, PortCommunity]) -> AuditEntry:
    old, new = event.old or {}, event.new or {}
    return AuditEntry(
        event=event,
        actor=actors.get(event.actor_id) if event.actor_id else None,
        community=communities.get(event.community_id) if event.community_id else None,
        what=str(ACTION_LABELS.get(event.action, event.action)),
        changes=[
            (str(FIELD_LABELS.get(key, key)), _shown(key, old.get(key)), _shown(key, new.get(key)))
            for key in sorted(old.keys() | new.keys())
        ],
    )


def _by_id(model: type, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def entries(community: PortCommunity | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest audit events (of one community, or all), actors and communities loaded in bulk."""
    recent = events(community=community, limit=limit)
    actors = _by_id(User, {event.actor_id for event in recent if event.actor_id})
    communities = _by_id(PortCommunity, {event.community_id for event in recent if event.community_id})
    return [_entry(event, actors, communities) for event in recent]


def subject_entries(subject: Any, limit: int = 500) -> list[AuditEntry]:
    """The audit events of one object (a model instance), oldest first, actors loaded in bulk."""
    query = (
        sa.select(AuditEvent)
        .where(AuditEvent.subject_type == type(subject).__name__, AuditEvent.subject_id == subject.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
        .limit(limit)
    )
    found = list(db.session.scalars(query))
    actors = _by_id(User, {event.actor_id for event in found if event.actor_id})
    communities = _by_id(PortCommunity, {event.community_id for event in found if event.community_id})
    return [_entry(event, actors, communities) for event in found]
