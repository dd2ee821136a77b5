"""Who sees and handles the Competitiveness Index's data calls and submissions, and as queries."""

from typing import Any

import sqlalchemy as sa

from ..models import (
    CommunityRole,
    DataCall,
    DataCallStatus,
    PortCommunity,
    Submission,
    SubmissionStatus,
    data_call_community,
)
from .people import active_community_ids, community_roles, is_secretariat, is_signed_in, member_of

# Who fills in a community's values and who checks them before the Secretariat accepts them.
REPORTERS = frozenset({CommunityRole.COORDINATOR, CommunityRole.FOCAL_POINT})
EDITABLE_STATES = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.RETURNED})


def may_view_data_call(user: Any, call: DataCall) -> bool:
    """The Secretariat, and members of the communities the call names."""
    if is_secretariat(user):
        return True
    mine = community_roles(user).keys()
    return any(community.id in mine for community in call.communities)


def may_view_submission(user: Any, submission: Submission) -> bool:
    """Raw values may be confidential: only the community's members and the Secretariat see them."""
    return is_secretariat(user) or submission.community_id in community_roles(user)


def may_edit_submission(user: Any, submission: Submission) -> bool:
    """The community's reporters, while the submission is a draft or returned and the call is open."""
    return (
        submission.status in EDITABLE_STATES
        # A closed call takes nothing more, except the indicators the Secretariat reopened.
        and (submission.data_call.status == DataCallStatus.OPEN or bool(submission.reopened_codes))
        and community_roles(user).get(submission.community_id) in REPORTERS
    )


def may_validate_submission(user: Any, submission: Submission) -> bool:
    """The community's validator checks what its reporters submitted."""
    return (
        submission.status == SubmissionStatus.SUBMITTED
        and community_roles(user).get(submission.community_id) == CommunityRole.VALIDATOR
    )


def may_return_submission(user: Any, submission: Submission) -> bool:
    """The validator sends back what was submitted; the Secretariat also what was validated."""
    if is_secretariat(user):
        return submission.status in {SubmissionStatus.SUBMITTED, SubmissionStatus.VALIDATED}
    return may_validate_submission(user, submission)


def may_accept_submission(user: Any, submission: Submission) -> bool:
    """The Secretariat accepts what the community validated; the values are then locked."""
    return is_secretariat(user) and submission.status == SubmissionStatus.VALIDATED


def may_reopen_submission(user: Any, submission: Submission) -> bool:
    """The Secretariat reopens accepted or published values."""
    return is_secretariat(user) and submission.status in {
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.PUBLISHED,
    }


def may_start_submission(user: Any, target: tuple[DataCall, PortCommunity]) -> bool:
    """The community's reporters answer an open call that names their community."""
    call, community = target
    return (
        call.status == DataCallStatus.OPEN
        and community in call.communities
        and community_roles(user).get(community.id) in REPORTERS
    )


def may_view_scorecard(user: Any, community: PortCommunity) -> bool:
    """A community's detailed scorecard is for its members (and the Secretariat)."""
    return member_of(user, community)


def data_calls_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on DataCall equal to `can(user, "data_calls.view", call)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    named = sa.select(data_call_community.c.data_call_id).where(
        data_call_community.c.community_id.in_(active_community_ids(user.id))
    )
    return DataCall.id.in_(named)


def submissions_visible_to(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition on Submission equal to `can(user, "submissions.view", submission)`."""
    if is_secretariat(user):
        return sa.true()
    if not is_signed_in(user):
        return sa.false()
    return Submission.community_id.in_(active_community_ids(user.id))
