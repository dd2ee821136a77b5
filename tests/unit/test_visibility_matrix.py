"""`can(viewer, "users.view_profile", person)` and the SQL builder `profiles_visible_to(viewer)` agree."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ports_network.extensions import db
from ports_network.models import CommunityRole, MembershipStatus, User, Visibility
from ports_network.models.base import utcnow
from ports_network.security import can, profiles_visible_to
from tests import factories


def _persons(community, other_community) -> list[User]:
    """Every visibility in the viewer's community, another community, no community, plus ended and deleted."""
    persons = []
    for visibility in Visibility:
        for where in (community, other_community, None):
            person = factories.UserFactory(
                name=f"{visibility.value} in {where.slug if where else 'nowhere'}", visibility=visibility
            )
            if where is not None:
                factories.MembershipFactory(
                    user=person,
                    community=where,
                    organisation=factories.OrganisationFactory(country=where.country),
                )
            persons.append(person)
        ended = factories.MembershipFactory(
            community=community,
            user=factories.UserFactory(visibility=visibility),
            status=MembershipStatus.LEFT,
        )
        deleted = factories.MembershipFactory(
            community=community, user=factories.UserFactory(visibility=visibility)
        )
        deleted.user.deleted_at = utcnow()
        persons += [ended.user, deleted.user]
    db.session.commit()
    return persons


@pytest.fixture
def personas(outsider, member, other_member, coordinator, secretariat):
    return {
        "outsider": outsider,
        "member": member,
        "other_member": other_member,
        "coordinator": coordinator,
        "secretariat": secretariat,
    }


def test_profile_predicate_and_sql_builder_agree_for_every_viewer_and_visibility(
    community, other_community, personas
):
    persons = _persons(community, other_community)
    both = factories.MembershipFactory(community=community, role=CommunityRole.MEMBER).user
    factories.MembershipFactory(community=other_community, user=both)
    viewers = {"anonymous": AnonymousUserMixin(), **personas, "member_of_both": both}
    everyone = [*persons, *personas.values(), both]
    for name, viewer in viewers.items():
        expected = {person.id for person in everyone if can(viewer, "users.view_profile", person)}
        listed = set(db.session.scalars(sa.select(User.id).where(profiles_visible_to(viewer))))
        assert listed == expected, name
    # The matrix is meaningful: viewers differ, and each sees some people and not others.
    seen = {
        name: set(db.session.scalars(sa.select(User.id).where(profiles_visible_to(v))))
        for name, v in viewers.items()
    }
    assert seen["anonymous"] == set()
    assert seen["outsider"] == {personas["outsider"].id}
    assert seen["member"] < seen["member_of_both"] < seen["secretariat"]
    assert seen["member"] != seen["other_member"]
    assert seen["secretariat"] == {person.id for person in everyone if not person.is_deleted}
