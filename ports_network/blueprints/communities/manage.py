"""Coordinators' screens: members and their roles, requests to join, the community's audit log."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...labels import label
from ...models import CommunityRole, PortCommunity
from ...services import audit, join_requests, memberships
from ..forms import flashing, show_error
from . import bp
from .common import managed_community
from .forms import DecisionForm, RoleForm


@bp.get("/<slug>/manage")
def manage(slug: str):
    """Every active member (hidden ones included) with forms to change roles or remove them."""
    community = managed_community(slug)
    rows = [
        (membership, RoleForm(prefix=f"m{membership.id}", formdata=None, role=membership.role.value))
        for membership in memberships.members(community)
    ]
    return render_template("communities/manage.html", community=community, rows=rows)


@bp.post("/<slug>/members/<int:membership_id>/role")
def change_role(slug: str, membership_id: int):
    """Give a member another role."""
    community = managed_community(slug)
    membership = memberships.member_of(community, membership_id) or abort(404)
    form = RoleForm(prefix=f"m{membership.id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "error")
    else:
        try:
            memberships.change_role(current_user, membership, CommunityRole(form.role.data))
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(
                _("%(person)s is now: %(role)s.", person=membership.user.name, role=label(membership.role)),
                "success",
            )
    return redirect(url_for(".manage", slug=community.slug))


@bp.post("/<slug>/members/<int:membership_id>/remove")
def remove_member(slug: str, membership_id: int):
    """End someone's membership."""
    community = managed_community(slug)
    membership = memberships.member_of(community, membership_id) or abort(404)
    with flashing(_("%(person)s is no longer a member.", person=membership.user.name)):
        memberships.remove_member(current_user, membership)
    return redirect(url_for(".manage", slug=community.slug))


def _requests_page(community: PortCommunity, bound: dict[int, DecisionForm] | None = None, status: int = 200):
    bound = bound or {}
    rows = [
        (item, bound.get(item.id) or DecisionForm(prefix=f"r{item.id}", formdata=None))
        for item in join_requests.pending_for(community)
    ]
    return render_template("communities/requests.html", community=community, rows=rows), status


@bp.get("/<slug>/requests")
def requests(slug: str):
    """Pending requests to join, each with approve / reject."""
    return _requests_page(managed_community(slug))


@bp.post("/<slug>/requests/<int:request_id>")
def decide(slug: str, request_id: int):
    """Approve (message optional) or reject (message required) one request."""
    community = managed_community(slug)
    join_request = join_requests.request_of(community, request_id) or abort(404)
    form = DecisionForm(prefix=f"r{join_request.id}")
    if form.validate_on_submit():
        try:
            decide_with = join_requests.reject if form.reject.data else join_requests.approve
            decide_with(current_user, join_request, form.message.data)
        except DomainError as error:
            if error.field != "message":
                flash(error.message, "error")
                return redirect(url_for(".requests", slug=community.slug))
            show_error(form, error)
        else:
            flash(
                _("The request was rejected.") if form.reject.data else _("The request was approved."),
                "success",
            )
            return redirect(url_for(".requests", slug=community.slug))
    return _requests_page(community, {join_request.id: form}, 422)


@bp.get("/<slug>/audit")
def audit_log(slug: str):
    """Who changed what in the community, and when."""
    community = managed_community(slug)
    return render_template("communities/audit.html", community=community, entries=audit.entries(community))
