"""Invitations: coordinators invite by email and revoke them; the invited person accepts through the link."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...models import CommunityRole
from ...security import authorize
from ...services import invitations
from ..forms import flashing, show_error
from . import bp
from .common import form_status, managed_community
from .forms import InviteForm, organisation_choices


@bp.route("/<slug>/invitations", methods=["GET", "POST"])
def invitations_page(slug: str):
    """Invite someone, and see (and revoke) the invitations still waiting for an answer."""
    community = managed_community(slug)
    form = InviteForm()
    form.organisation_id.choices = organisation_choices(invitations.organisation_options(community))
    if form.validate_on_submit():
        try:
            invitations.invite(
                current_user,
                community,
                form.email.data,
                form.organisation_id.data,
                CommunityRole(form.role.data),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for(".invitations_page", slug=community.slug))
    pending = invitations.pending_for(community)
    return render_template(
        "communities/invitations.html", community=community, form=form, pending=pending
    ), form_status()


@bp.post("/<slug>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug: str, invitation_id: int):
    """Withdraw a pending invitation; its link stops working."""
    community = managed_community(slug)
    invitation = invitations.invitation_of(community, invitation_id) or abort(404)
    with flashing(_("The invitation to %(email)s was revoked.", email=invitation.email)):
        invitations.revoke(current_user, invitation)
    return redirect(url_for(".invitations_page", slug=community.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The mailed link: sign in first, then see the invitation and accept it."""
    try:
        invitation = invitations.from_token(token)
    except DomainError as error:
        return render_template("communities/invitation.html", invitation=None, problem=error.message), 400
    authorize("communities.view_invitation", invitation)
    if request.method == "GET":
        problem = invitations.problem_with(current_user, invitation)
        return render_template("communities/invitation.html", invitation=invitation, problem=problem)
    authorize("communities.accept_invitation", invitation)
    try:
        invitations.accept(current_user, invitation)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".accept_invitation", token=token))
    flash(_("Welcome to %(community)s!", community=invitation.community.name), "success")
    return redirect(url_for(".show", slug=invitation.community.slug))
