"""Helpers shared by the community views: loading a community from its URL and showing service errors."""

from flask import abort, request

from ...models import PortCommunity
from ...security import authorize
from ...services import communities


def load_community(slug: str) -> PortCommunity:
    """The community of a URL, or 404 (archived ones exist only for the Secretariat)."""
    community = communities.get_by_slug(slug)
    if community is None:
        abort(404)
    authorize("communities.view", community, hide=True)
    return community


def managed_community(slug: str) -> PortCommunity:
    """The community, for those who manage its members: others are asked to sign in, or refused (403).

    The community itself is public, so there is nothing to hide; people signed out who follow a
    notification link land on the sign-in page and come back here.
    """
    community = load_community(slug)
    authorize("communities.manage_members", community)
    return community


def form_status() -> int:
    """200 for a form shown, 422 for a form sent back with errors."""
    return 422 if request.method == "POST" else 200
