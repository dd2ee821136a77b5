"""The one authorisation policy: `action -> predicate(user, obj)`, used by views, sockets and templates.

POLICY below is the table of every action. The rules themselves live in `ports_network.policies`, one
module per feature, next to the SQL filters that express them for list pages (`rooms_visible_to`); matrix
tests check that both agree. Code elsewhere asks this module, never the policies directly.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from .policies import Predicate, committees, events, files, index, materials, people, rooms
from .policies.committees import (
    ATTENDED,
    action_items_visible_to,
    bodies_visible_to,
    minutes_visible_to,
    motions_visible_to,
)
from .policies.events import coordinated_community_ids, events_visible_to
from .policies.index import REPORTERS, data_calls_visible_to, submissions_visible_to
from .policies.materials import materials_visible_to
from .policies.people import (
    community_roles,
    is_network_member,
    is_secretariat,
    is_signed_in,
    profiles_visible_to,
    role_in,
)
from .policies.rooms import message_actions, muted_until, rooms_visible_to

__all__ = [
    "ATTENDED",
    "POLICY",
    "REPORTERS",
    "action_items_visible_to",
    "authorize",
    "bodies_visible_to",
    "can",
    "community_roles",
    "coordinated_community_ids",
    "data_calls_visible_to",
    "events_visible_to",
    "is_network_member",
    "is_secretariat",
    "is_signed_in",
    "materials_visible_to",
    "message_actions",
    "minutes_visible_to",
    "motions_visible_to",
    "muted_until",
    "profiles_visible_to",
    "requires",
    "role_in",
    "rooms_visible_to",
    "submissions_visible_to",
]


def _anyone(_user: Any, _obj: Any = None) -> bool:
    return True


def _signed_in(user: Any, _obj: Any = None) -> bool:
    return is_signed_in(user)


def _secretariat(user: Any, _obj: Any = None) -> bool:
    return is_secretariat(user)


def _network_member(user: Any, _obj: Any = None) -> bool:
    return is_network_member(user)


POLICY: dict[str, Predicate] = {
    "portal.view": _anyone,
    "communities.view": people.may_view_community,
    "communities.request_join": people.may_request_join,
    "communities.view_members": people.member_of,
    "communities.withdraw_request": people.may_withdraw_request,
    "communities.view_invitation": lambda user, _invitation: is_signed_in(user),
    "communities.accept_invitation": people.may_accept_invitation,
    "communities.leave": lambda user, community: role_in(user, community) is not None,
    "communities.manage_members": people.coordinates,
    "directory.view": _network_member,
    "users.view_profile": people.may_view_profile,
    "account.manage": _signed_in,
    "notifications.view": _signed_in,
    "files.view": files.may_view_file,
    "rooms.list": _signed_in,
    "rooms.read": rooms.may_read_room,
    "rooms.post": rooms.may_post_in_room,
    "rooms.edit_message": rooms.may_edit_message,
    "rooms.report_message": rooms.may_report_message,
    "rooms.moderate": rooms.may_moderate_room,
    "rooms.open_topic": rooms.may_open_topic,
    "data_calls.list": _network_member,
    "data_calls.manage": _secretariat,
    "data_calls.view": index.may_view_data_call,
    "submissions.start": index.may_start_submission,
    "submissions.view": index.may_view_submission,
    "submissions.comment": index.may_view_submission,
    "submissions.edit": index.may_edit_submission,
    "submissions.validate": index.may_validate_submission,
    "submissions.return": index.may_return_submission,
    "submissions.accept": index.may_accept_submission,
    "submissions.reopen": index.may_reopen_submission,
    "index.publish": _secretariat,
    "methodologies.manage": _secretariat,
    "index.recompute": _secretariat,
    "results.view": _anyone,
    "results.view_scorecard": index.may_view_scorecard,
    "admin.access": _secretariat,
    "mail.view_outbox": _secretariat,
    "committees.list": _anyone,
    "committees.see": committees.may_see_body,
    "committees.view": _network_member,
    "committees.manage": _secretariat,
    "committees.schedule": committees.may_schedule_session,
    "committees.run_session": committees.may_run_session,
    "committees.view_session": committees.may_view_session,
    "minutes.generate": committees.may_generate_minutes,
    "minutes.view": committees.may_view_minutes,
    "minutes.edit": committees.may_edit_minutes,
    "minutes.propose_amendment": committees.may_propose_amendment,
    "minutes.download": committees.may_download_minutes,
    "action_items.list": _signed_in,
    "action_items.view": committees.may_view_action_item,
    "action_items.create": committees.may_create_action_item,
    "action_items.edit": committees.may_edit_action_item,
    "action_items.update_status": committees.may_update_action_item,
    "action_items.follow_community": people.member_of,
    "committees.attend_session": committees.may_view_session,
    "committees.drive_session": committees.drives_session,
    "committees.request_floor": committees.may_request_floor,
    "committees.propose_motion": committees.may_propose_motion,
    "committees.run_motion": committees.may_run_motion,
    "committees.view_motion": committees.may_view_motion,
    "committees.vote": committees.may_vote,
    "committees.list_votes": _signed_in,
    "materials.list": _anyone,
    "materials.view": materials.may_see_material,
    "materials.add": materials.may_add_material,
    "materials.manage": materials.may_manage_material,
    "events.list": _anyone,
    "events.view": events.may_view_event,
    "events.create": events.may_create_event,
    "events.manage": events.manages_event,
    "events.register": events.may_register_for_event,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may perform `action` on `obj`; unknown actions are refused loudly."""
    try:
        predicate = POLICY[action]
    except KeyError:
        raise LookupError(f"unknown permission action {action!r}") from None
    return bool(predicate(user, obj))


def authorize(action: str, obj: Any = None, *, hide: bool = False) -> None:
    """Abort unless the current user may act: 404 when `hide`, else 401 (sign in) or 403."""
    if can(current_user, action, obj):
        return
    if hide:
        abort(404)  # the object's existence is private, even from people signed out
    abort(403 if is_signed_in(current_user) else 401)


def requires(action: str) -> Callable:
    """View decorator for actions that need no loaded object."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            authorize(action)
            return view(*args, **kwargs)

        guarded.required_action = action
        return guarded

    return decorator
