"""Public community pages, asking to join, withdrawing a request, leaving, and a community's member list."""

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...errors import DomainError
from ...i18n import current_locale
from ...security import authorize, role_in
from ...services import communities, directory, join_requests, material_pages, memberships
from ..forms import flashing, show_error
from . import bp
from .common import form_status, load_community
from .forms import JoinForm

PUBLIC_MAX_AGE = 300


def _public(response: Response) -> Response:
    """Anonymous visitors may keep a public page a few minutes; signed-in pages are personal."""
    response.vary.add("Accept-Language")
    if current_user.is_authenticated:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    return response


@bp.get("/")
def index():
    """Every live community, grouped by country, with its phase and ports."""
    groups = communities.live_by_country(current_locale())
    return _public(make_response(render_template("communities/index.html", groups=groups)))


@bp.get("/<slug>")
def show(slug: str):
    """A community's public page: ports, stage, MoU, description and member organisations."""
    community = load_community(slug)
    page = render_template(
        "communities/show.html",
        community=community,
        groups=communities.member_organisations(community),
        role=role_in(current_user, community),
        pending=join_requests.pending_request(current_user, community),
        materials=material_pages.listed(current_user, current_locale(), community=community),
    )
    return _public(make_response(page))


@bp.route("/<slug>/join", methods=["GET", "POST"])
def join(slug: str):
    """Ask to join for an existing organisation or a proposed new one."""
    community = load_community(slug)
    authorize("communities.request_join", community)
    form = JoinForm()
    form.set_organisations(join_requests.organisation_options(current_user, community))
    if form.validate_on_submit():
        try:
            join_requests.request_to_join(current_user, community, form.to_data())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your request was sent to the community's coordinators."), "success")
            return redirect(url_for(".show", slug=community.slug))
    return render_template("communities/join.html", community=community, form=form), form_status()


@bp.post("/<slug>/requests/<int:request_id>/withdraw")
def withdraw_request(slug: str, request_id: int):
    """The person who asked takes back their pending request."""
    community = load_community(slug)
    join_request = join_requests.request_of(community, request_id) or abort(404)
    authorize("communities.withdraw_request", join_request, hide=True)
    with flashing(_("Your request was withdrawn.")):
        join_requests.withdraw(current_user, join_request)
    return redirect(url_for(".show", slug=community.slug))


@bp.route("/<slug>/leave", methods=["GET", "POST"])
def leave(slug: str):
    """Leave a community, after confirming on this page."""
    community = load_community(slug)
    authorize("communities.leave", community)
    if request.method == "GET":
        return render_template("communities/leave.html", community=community)
    try:
        memberships.leave(current_user, community)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".show", slug=community.slug))
    flash(_("You have left %(community)s.", community=community.name), "success")
    return redirect(url_for(".show", slug=community.slug))


@bp.get("/<slug>/members")
def members(slug: str):
    """The community's members that the viewer may see, with their organisation and role."""
    community = load_community(slug)
    authorize("communities.view_members", community)
    page, cards = directory.community_members(current_user, community, request.args.get("page", 1, type=int))
    return render_template("communities/members.html", community=community, page=page, cards=cards)
