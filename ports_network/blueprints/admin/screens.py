"""The five entity screens (countries, ports, communities, organisations, users) and their extra actions."""

from functools import partial

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...extensions import db
from ...i18n import current_locale
from ...models import Country, Organisation, Port, PortCommunity, StakeholderType, User
from ...security import requires
from ...services import admin, communities, countries, organisations, ports, users
from . import bp, forms
from .crud import ACCESS, Screens, Titles, form_page, perform, register

SCREENS = (
    Screens(
        name="countries",
        model=Country,
        titles=Titles(_l("Countries"), _l("Add a country"), _l("Edit country")),
        form=forms.CountryForm,
        new_form=forms.CountryNewForm,
        listing=lambda: countries.all_countries(current_locale()),
        create=countries.add_country,
        update=countries.update_country,
        archive=countries.set_archived,
        describe=lambda country: country.name_in(current_locale()),
    ),
    Screens(
        name="ports",
        model=Port,
        titles=Titles(_l("Ports"), _l("Add a port"), _l("Edit port")),
        form=forms.PortForm,
        filters=forms.CountryFilter,
        listing=ports.list_ports,
        create=ports.create_port,
        update=ports.update_port,
        archive=ports.set_archived,
    ),
    Screens(
        name="communities",
        model=PortCommunity,
        titles=Titles(_l("Communities"), _l("Add a community"), _l("Edit community")),
        form=forms.CommunityForm,
        filters=forms.CountryFilter,
        listing=admin.list_communities,
        create=communities.create_community,
        update=communities.update_community,
        archive=lambda actor, community, _archived: communities.archive_community(actor, community),
        restorable=False,
    ),
    Screens(
        name="organisations",
        model=Organisation,
        titles=Titles(_l("Organisations"), _l("Add an organisation"), _l("Edit organisation")),
        form=forms.OrganisationForm,
        filters=forms.OrganisationFilter,
        listing=lambda country_id=None, stakeholder_type=None: organisations.list_organisations(
            country_id, StakeholderType(stakeholder_type) if stakeholder_type else None
        ),
        create=organisations.create_organisation,
        update=organisations.update_organisation,
        archive=organisations.set_archived,
    ),
    Screens(
        name="users",
        model=User,
        titles=Titles(_l("People"), _l("Add a person"), _l("Edit account")),
        form=forms.UserForm,
        new_form=forms.UserNewForm,
        filters=forms.UserFilter,
        listing=lambda **criteria: users.search_users(users.UserQuery(**criteria)),
        context={"limit": users.SEARCH_LIMIT},
        create=users.create_user,
        created=_l("The account was created and a link to choose a password was mailed to the person."),
        update=users.update_user,
    ),
)

for screen in SCREENS:
    register(bp, screen)


@bp.get("/users/<int:user_id>")
@requires(ACCESS)
def user(user_id: int):
    """One account: its state and all its memberships, current and ended."""
    person = db.get_or_404(User, user_id)
    return render_template("admin/user.html", person=person, memberships=users.memberships_of(person))


@bp.post("/users/<int:user_id>/confirm")
@requires(ACCESS)
def confirm_email(user_id: int):
    """Mark a person's email address confirmed by hand."""
    person = db.get_or_404(User, user_id)
    perform(lambda: users.confirm_email(current_user, person), _("The email address is now confirmed."))
    return redirect(url_for(".user", user_id=person.id))


@bp.route("/communities/<int:community_id>/coordinator", methods=["GET", "POST"])
@requires(ACCESS)
def assign_coordinator(community_id: int):
    """Make a person (found by email) the community's coordinator on behalf of an organisation."""
    community = db.get_or_404(PortCommunity, community_id)
    form = forms.CoordinatorForm()
    form.prepare()

    def assign() -> None:
        person = users.get_by_email(form.email.data)
        organisation = db.session.get(Organisation, form.organisation_id.data)
        communities.assign_coordinator(current_user, community, person, organisation)

    if form.validate_on_submit() and perform(assign, _("The coordinator was assigned."), form):
        return redirect(url_for(".communities"))
    return form_page("admin/coordinator.html", form, community=community)


@bp.route("/organisations/<int:organisation_id>/logo", methods=["GET", "POST"])
@requires(ACCESS)
def organisation_logo(organisation_id: int):
    """Show, upload or replace an organisation's logo."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = forms.LogoForm()
    upload = partial(organisations.set_logo, current_user, organisation)
    if form.validate_on_submit() and perform(lambda: upload(form.logo.data), _("The logo was saved."), form):
        return redirect(url_for(".organisation_logo", organisation_id=organisation.id))
    return form_page("admin/logo.html", form, organisation=organisation)


@bp.post("/organisations/<int:organisation_id>/logo/remove")
@requires(ACCESS)
def remove_logo(organisation_id: int):
    """Take an organisation's logo away."""
    organisation = db.get_or_404(Organisation, organisation_id)
    perform(lambda: organisations.remove_logo(current_user, organisation), _("The logo was removed."))
    return redirect(url_for(".organisation_logo", organisation_id=organisation.id))
