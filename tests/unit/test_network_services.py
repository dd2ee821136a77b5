"""Services behind the administration: countries, ports, organisations, users, dashboard and audit log."""

import pytest
import sqlalchemy as sa

from ports_network.errors import DomainError
from ports_network.extensions import db
from ports_network.models import (
    AuditEvent,
    CommunityStatus,
    Country,
    JoinRequest,
    MailStatus,
    Organisation,
    OutboxMail,
    Port,
    Sector,
    StakeholderType,
    User,
)
from ports_network.services import accounts, admin, audit, countries, organisations, ports, users
from ports_network.services.countries import CountryData, CountryUpdate
from ports_network.services.organisations import OrganisationData
from ports_network.services.ports import PortData
from ports_network.services.users import UserCreate, UserQuery, UserUpdate
from tests import factories


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages, which needs the request's locale."""
    with app.test_request_context():
        yield


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# ---------------------------------------------------------------------------------------------- countries


def test_country_gets_alpha3_from_pycountry_and_an_audit_record(secretariat):
    country = countries.add_country(secretariat, CountryData(alpha2=" tt ", sela_member=True))
    assert (country.alpha2, country.alpha3) == ("TT", "TTO")
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.actor_id, event.subject_id) == ("country.create", secretariat.id, country.id)
    assert event.new == {"alpha2": "TT", "alpha3": "TTO", "sela_member": True}


@pytest.mark.parametrize("code", ["", "X", "XX", "PER", "1A"])
def test_invalid_iso_code_is_refused_on_the_alpha2_field(secretariat, code):
    with pytest.raises(DomainError) as refused:
        countries.add_country(secretariat, CountryData(alpha2=code))
    assert refused.value.field == "alpha2"
    assert db.session.scalar(sa.select(sa.func.count(Country.id))) == 0


def test_duplicate_country_is_refused(secretariat):
    countries.add_country(secretariat, CountryData(alpha2="PE"))
    with pytest.raises(DomainError, match="already in the network"):
        countries.add_country(secretariat, CountryData(alpha2="pe"))


def test_unchanged_edit_records_nothing(secretariat):
    country = factories.CountryFactory(alpha2="PE", sela_member=True)
    countries.update_country(secretariat, country, CountryUpdate(sela_member=True))
    assert actions() == []


def test_country_choices_leave_out_archived_countries_unless_kept():
    peru = factories.CountryFactory(alpha2="PE")
    chile = factories.CountryFactory(alpha2="CL", archived=True)
    assert countries.country_choices("es") == [(peru.id, "Perú")]
    assert [cid for cid, _ in countries.country_choices("en", keep=chile.id)] == [chile.id, peru.id]


# ---------------------------------------------------------------------------------------------- ports


def port_data(country: Country, **overrides) -> PortData:
    values = {
        "name": "Callao",
        "unlocode": "PECLL",
        "country_id": country.id,
        "latitude": -12.05,
        "longitude": -77.15,
    }
    return PortData(**{**values, **overrides})


def test_port_unlocode_is_normalised(secretariat):
    peru = factories.CountryFactory(alpha2="PE")
    port = ports.create_port(secretariat, port_data(peru, unlocode=" pe cll "))
    assert port.unlocode == "PECLL"
    assert actions() == ["port.create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unlocode": "PECL1"}, "unlocode"),  # 1 is not a UN/LOCODE digit
        ({"unlocode": "CLVAP"}, "unlocode"),  # another country's prefix
        ({"name": "  "}, "name"),
        ({"latitude": -90.5}, "latitude"),
        ({"longitude": 180.01}, "longitude"),
        ({"latitude": None}, "latitude"),  # only one of the two coordinates
        ({"country_id": 9999}, "country_id"),
    ],
)
def test_invalid_port_is_refused_on_the_right_field(secretariat, overrides, field):
    peru = factories.CountryFactory(alpha2="PE")
    with pytest.raises(DomainError) as refused:
        ports.create_port(secretariat, port_data(peru, **overrides))
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Port.id))) == 0


def test_port_needs_no_coordinates(secretariat):
    peru = factories.CountryFactory(alpha2="PE")
    port = ports.create_port(secretariat, port_data(peru, latitude=None, longitude=None))
    assert port.latitude is None


def test_new_port_cannot_be_placed_in_an_archived_country(secretariat):
    peru = factories.CountryFactory(alpha2="PE", archived=True)
    with pytest.raises(DomainError) as refused:
        ports.create_port(secretariat, port_data(peru))
    assert refused.value.field == "country_id"


def test_existing_port_in_an_archived_country_can_still_be_edited(secretariat):
    port = factories.PortFactory(unlocode="PECLL")
    port.country.archived = True
    db.session.commit()
    ports.update_port(secretariat, port, port_data(port.country, name="Renamed"))
    assert port.name == "Renamed"


def test_update_records_only_what_changed(secretariat):
    port = factories.PortFactory(unlocode="PECLL", name="Callao", latitude=-12.05, longitude=-77.15)
    ports.update_port(secretariat, port, port_data(port.country, name="El Callao"))
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.old, event.new) == ({"name": "Callao"}, {"name": "El Callao"})


def test_changing_a_ports_unlocode_to_a_taken_one_is_refused(secretariat):
    factories.PortFactory(unlocode="PECLL")
    other = factories.PortFactory(unlocode="PEPAI")
    with pytest.raises(DomainError, match="already has the UN/LOCODE"):
        ports.update_port(secretariat, other, port_data(other.country, unlocode="PECLL"))
    db.session.refresh(other)
    assert other.unlocode == "PEPAI"


# ---------------------------------------------------------------------------------------------- organisations


def test_organisation_website_is_checked():
    assert organisations.clean_website("  ") is None
    assert organisations.clean_website(" https://apn.gob.pe/x ") == "https://apn.gob.pe/x"
    for bad in ("javascript:alert(1)", "https://", "http://exa mple.org", "mailto:a@b.org"):
        with pytest.raises(DomainError):
            organisations.clean_website(bad)


def test_organisation_name_is_unique_in_its_country_only(secretariat):
    peru, chile = factories.CountryFactory(alpha2="PE"), factories.CountryFactory(alpha2="CL")
    data = OrganisationData("Customs", StakeholderType.CUSTOMS, Sector.PUBLIC, peru.id)
    organisations.create_organisation(secretariat, data)
    organisations.create_organisation(secretariat, OrganisationData("CUSTOMS", "customs", "public", chile.id))
    with pytest.raises(DomainError) as refused:
        organisations.create_organisation(
            secretariat, OrganisationData(" customs ", "customs", "public", peru.id)
        )
    assert refused.value.field == "name"


def test_find_or_create_finds_an_existing_organisation_ignoring_case(secretariat):
    existing = factories.OrganisationFactory(
        name="Terminal Norte", country=factories.CountryFactory(alpha2="PE")
    )
    found = organisations.find_or_create(
        "terminal  NORTE", StakeholderType.PORT_TERMINAL, Sector.PRIVATE, existing.country, None, secretariat
    )
    assert found.id == existing.id
    assert actions() == []


def test_find_or_create_adds_an_audited_organisation_without_committing(secretariat):
    peru = factories.CountryFactory(alpha2="PE")
    created = organisations.find_or_create(
        "Universidad del Pacífico",
        StakeholderType.ACADEMIA,
        Sector.ACADEMIC,
        peru,
        "https://up.edu.pe",
        secretariat,
    )
    assert created.id is not None and created.website == "https://up.edu.pe"
    assert actions() == ["organisation.create"]
    db.session.rollback()  # the caller's transaction decides
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_organisation_filters():
    peru = factories.CountryFactory(alpha2="PE")
    customs = factories.OrganisationFactory(country=peru, stakeholder_type=StakeholderType.CUSTOMS)
    factories.OrganisationFactory(country=peru, stakeholder_type=StakeholderType.ACADEMIA)
    assert organisations.list_organisations(peru.id, StakeholderType.CUSTOMS) == [customs]


# ---------------------------------------------------------------------------------------------- users


def test_disabling_rotates_the_session_token(secretariat, member):
    token = member.session_token
    users.update_user(secretariat, member, UserUpdate(member.name, "es", False, True))
    assert member.is_disabled and member.session_token != token
    event = db.session.scalar(sa.select(AuditEvent))
    assert "session_token" not in event.new and event.new["is_disabled"] is True


def test_unknown_language_is_refused(secretariat, member):
    with pytest.raises(DomainError) as refused:
        users.update_user(secretariat, member, UserUpdate(member.name, "fr", False, False))
    assert refused.value.field == "preferred_locale"


def test_secretariat_may_not_demote_or_disable_themselves(secretariat):
    with pytest.raises(DomainError) as demoted:
        users.update_user(secretariat, secretariat, UserUpdate(secretariat.name, "es", False, False))
    with pytest.raises(DomainError) as disabled:
        users.update_user(secretariat, secretariat, UserUpdate(secretariat.name, "es", True, True))
    assert (demoted.value.field, disabled.value.field) == ("is_secretariat", "is_disabled")
    db.session.refresh(secretariat)
    assert secretariat.is_secretariat and not secretariat.is_disabled


def test_search_treats_wildcards_literally():
    factories.UserFactory(name="100% Port", email="full@example.org")
    factories.UserFactory(name="Other", email="other@example.org")
    assert [u.name for u in users.search_users(UserQuery(text="100%"))] == ["100% Port"]
    assert users.search_users(UserQuery(text="_")) == []


def test_confirming_twice_is_refused(secretariat):
    person = factories.UserFactory(email_confirmed_at=None)
    users.confirm_email(secretariat, person)
    with pytest.raises(DomainError):
        users.confirm_email(secretariat, person)


def test_get_by_email_ignores_case_and_deleted_accounts(member):
    assert users.get_by_email(member.email.upper()).id == member.id
    with pytest.raises(DomainError) as refused:
        users.get_by_email("nobody@example.org")
    assert refused.value.field == "email"


def test_created_account_has_no_password_a_normalised_email_and_one_mail(secretariat):
    person = users.create_user(secretariat, UserCreate(" Rosa  Díaz ", " Rosa@Example.ORG ", "es", False))
    assert (person.email, person.name, person.password_hash) == ("rosa@example.org", "Rosa Díaz", None)
    [mail] = db.session.scalars(sa.select(OutboxMail)).all()
    assert mail.recipient == "rosa@example.org" and "/auth/password/reset/" in mail.body
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.action == "user.create" and event.old is None and "email" not in event.new


def test_the_link_token_of_a_created_account_sets_its_password_once(secretariat):
    person = users.create_user(secretariat, UserCreate("Rosa", "rosa@example.org", "en", False))
    token = accounts.password_reset_token(person)
    accounts.reset_password(token, "a brand new passphrase")
    assert person.is_confirmed and accounts.authenticate("rosa@example.org", "a brand new passphrase")
    with pytest.raises(DomainError):
        accounts.reset_target(token)


@pytest.mark.parametrize(
    ("name", "email", "locale", "field"),
    [
        ("  ", "rosa@example.org", "es", "name"),
        ("Rosa", "not-an-address", "es", "email"),
        ("Rosa", "rosa@example.org", "fr", "preferred_locale"),
    ],
)
def test_account_creation_refuses_invalid_input(secretariat, name, email, locale, field):
    with pytest.raises(DomainError) as refused:
        users.create_user(secretariat, UserCreate(name, email, locale, False))
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_account_creation_refuses_an_email_in_use_ignoring_case(secretariat, member):
    with pytest.raises(DomainError) as refused:
        users.create_user(secretariat, UserCreate("Copy", member.email.upper(), "es", False))
    assert refused.value.field == "email"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMail.id))) == 0


# ------------------------------------------------------------------------------------------ dashboard, audit


def test_dashboard_leaves_out_archived_and_counts_waiting_work(community, other_community, member, outsider):
    other_community.status = CommunityStatus.ARCHIVED
    db.session.add_all(
        [
            JoinRequest(user_id=outsider.id, community_id=community.id),
            OutboxMail(recipient="a@example.org", subject="s", body="b"),
            OutboxMail(recipient="b@example.org", subject="s", body="b", status=MailStatus.FAILED),
        ]
    )
    db.session.commit()
    figures = admin.dashboard()
    assert (figures.communities, figures.countries, figures.users) == (1, 2, 2)
    assert (figures.pending_join_requests, figures.outbox_pending, figures.outbox_failed) == (1, 1, 1)


def test_audit_log_resolves_actors_and_changes(secretariat):
    country = factories.CountryFactory(alpha2="PE", sela_member=True)
    countries.update_country(secretariat, country, CountryUpdate(sela_member=False))
    [entry] = audit.entries()
    assert entry.actor.id == secretariat.id
    assert entry.what == "Country changed"
    assert entry.changes == [("SELA member", "yes", "no")]
