"""The access matrix of the materials library: for each person (anonymous, member of another community,
member, body member, Secretariat) and each access level with its embargo (none, not yet over, over), the
policy `materials.view`, the SQL builder `materials_visible_to` and every way to reach a material over HTTP
(list, search, download, version download, preview) agree: seen, or 404."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.models import (
    Material,
    MaterialAccess,
    MaterialType,
    Membership,
    MembershipStatus,
    Seat,
    SeatRole,
)
from ports_network.models.base import utcnow
from ports_network.security import can, materials_visible_to
from ports_network.services import materials

from .. import factories
from ..conftest import login_as
from ..file_samples import image_bytes
from ..material_samples import add_material, mp4_bytes, upload, vtt

PERSONAS = ("anonymous", "other_member", "member", "body_member", "secretariat")
EVERYONE = set(PERSONAS)
# (level, embargo) -> who sees it. The body member holds a seat in the body and belongs to no community
# (a partner's representative), so members-only material is not theirs; embargo "over" makes anything public.
CASES = {
    ("public", "none"): EVERYONE,
    ("members", "none"): {"other_member", "member", "secretariat"},
    ("members", "future"): {"other_member", "member", "secretariat"},
    ("members", "over"): EVERYONE,
    ("community", "none"): {"member", "secretariat"},
    ("community", "future"): {"member", "secretariat"},
    ("community", "over"): EVERYONE,
    ("body", "none"): {"body_member", "secretariat"},
    ("body", "future"): {"body_member", "secretariat"},
    ("body", "over"): EVERYONE,
}
WORD = "zanzibarita"  # a word only the material's title holds


@pytest.fixture
def people(member, other_member, secretariat, community):
    body = factories.BodyFactory()
    body_member = factories.UserFactory(name="Beto Body")
    factories.SeatFactory(body=body, user=body_member, role=SeatRole.MEMBER)
    persons = {
        "anonymous": None,
        "other_member": other_member,
        "member": member,
        "body_member": body_member,
        "secretariat": secretariat,
    }
    return persons, community, body


def _material(secretariat, community, body, level: str, embargo: str) -> Material:
    today = utcnow().date()
    fields = {
        "access": MaterialAccess[level.upper()],
        "embargo_until": {"none": None, "future": today + timedelta(days=1), "over": today}[embargo],
    }
    if level == "community":
        fields["access_community_id"] = community.id
    if level == "body":
        fields["access_body_id"] = body.id
    return add_material(
        secretariat,
        title=f"Foto {WORD}",
        kind=MaterialType.OTHER,
        data=image_bytes(),
        name="photo.png",
        **fields,
    )


def _http_outcomes(client, material: Material) -> dict[str, bool]:
    base = f"/materials/{material.id}"
    listed = f"Foto {WORD}" in client.get("/materials/").text
    found = f"Foto {WORD}" in client.get(f"/materials/?q={WORD.upper()}").text
    statuses = {
        "page": client.get(base).status_code,
        "download": client.get(f"{base}/file").status_code,
        "version_download": client.get(f"{base}/es/v1").status_code,
        "preview": client.get(f"{base}/es/preview").status_code,
    }
    assert set(statuses.values()) <= {200, 404}, statuses
    return {"list": listed, "search": found} | {name: status == 200 for name, status in statuses.items()}


@pytest.mark.parametrize("case", list(CASES), ids="-".join)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(client, people, secretariat, persona, case):
    persons, community, body = people
    level, embargo = case
    material = _material(secretariat, community, body, level, embargo)
    user = persons[persona]
    expected = persona in CASES[case]
    assert can(user, "materials.view", material) is expected
    visible = db.session.scalars(sa.select(Material.id).where(materials_visible_to(user))).all()
    assert (material.id in visible) is expected
    if user is not None:
        login_as(client, user)
    outcomes = _http_outcomes(client, material)
    assert outcomes == dict.fromkeys(outcomes, expected)


def test_a_seat_that_ended_no_longer_opens_body_material(client, people, secretariat):
    persons, community, body = people
    material = _material(secretariat, community, body, "body", "none")
    seat = db.session.scalars(sa.select(Seat).where(Seat.body_id == body.id)).one()
    seat.end_date = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert not can(persons["body_member"], "materials.view", material)
    login_as(client, persons["body_member"])
    assert client.get(f"/materials/{material.id}/file").status_code == 404


def test_leaving_the_community_closes_its_material(client, people, secretariat, member):
    _persons, community, body = people
    material = _material(secretariat, community, body, "community", "none")
    login_as(client, member)
    assert client.get(f"/materials/{material.id}/file").status_code == 200
    membership = db.session.scalars(sa.select(Membership).where(Membership.user_id == member.id)).one()
    membership.status = MembershipStatus.LEFT
    db.session.commit()
    assert client.get(f"/materials/{material.id}/file").status_code == 404


def test_the_generic_file_view_follows_the_same_rule(client, people, secretariat, other_member):
    persons, community, body = people
    material = _material(secretariat, community, body, "community", "none")
    public_id = material.variant("es").latest.stored_file.public_id
    login_as(client, other_member)
    assert client.get(f"/files/{public_id}").status_code == 404
    login_as(client, persons["member"])
    assert client.get(f"/files/{public_id}").status_code == 200


def test_caption_files_follow_their_recording_through_the_generic_file_view(client, people, secretariat):
    persons, community, _body = people
    recording = add_material(
        secretariat,
        kind=MaterialType.RECORDING,
        access=MaterialAccess.COMMUNITY,
        access_community_id=community.id,
        data=mp4_bytes(),
        name="talk.mp4",
    )
    caption = materials.add_caption(secretariat, recording.variant("es"), "es", upload(vtt(), "es.vtt"))
    public_id = caption.stored_file.public_id
    login_as(client, persons["other_member"])
    assert client.get(f"/files/{public_id}").status_code == 404
    login_as(client, persons["member"])
    assert client.get(f"/files/{public_id}").status_code == 200
