"""Ports of the network: UN/LOCODE tied to the port's country, coordinates in range, archiving."""

from dataclasses import dataclass
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import DomainError
from ..extensions import db
from ..models import Country, Port, User
from ..models.port import UNLOCODE_PATTERN
from .changes import create_recorded, save_changes, taken_by_another
from .countries import usable_country

AUDITED = ("name", "unlocode", "country_id", "latitude", "longitude")


@dataclass(frozen=True)
class PortData:
    """A port as the Secretariat enters it."""

    name: str
    unlocode: str
    country_id: int | None
    latitude: float | None = None
    longitude: float | None = None


def list_ports(country_id: int | None = None) -> list[Port]:
    """Ports (archived ones included), optionally of one country, by name."""
    query = sa.select(Port).options(sa.orm.joinedload(Port.country)).order_by(Port.name, Port.id)
    if country_id:
        query = query.where(Port.country_id == country_id)
    return list(db.session.scalars(query))


def port_choices(keep: list[int] | None = None) -> list[tuple[int, str]]:
    """(id, "name (UN/LOCODE)") of live ports for a select, plus those in `keep` even if archived."""
    kept = set(keep or ())
    return [
        (port.id, f"{port.name} ({port.unlocode})")
        for port in list_ports()
        if not port.archived or port.id in kept
    ]


def _unlocode(raw: str, country: Country, port: Port | None) -> str:
    code = (raw or "").replace(" ", "").upper()
    if not UNLOCODE_PATTERN.match(code):
        raise DomainError(
            _(
                "A UN/LOCODE has exactly 5 characters: the 2-letter country code, then 3 letters or digits "
                "2 to 9 for the place (for example PECLL)."
            ),
            field="unlocode",
        )
    if code[:2] != country.alpha2:
        raise DomainError(
            _(
                "This UN/LOCODE starts with %(prefix)s, but the port's country has the code %(alpha2)s.",
                prefix=code[:2],
                alpha2=country.alpha2,
            ),
            field="unlocode",
        )
    if taken_by_another(Port, port, Port.unlocode == code):
        raise _duplicate(code)
    return code


def _duplicate(code: str) -> DomainError:
    return DomainError(_("Another port already has the UN/LOCODE %(code)s.", code=code), field="unlocode")


def _coordinate(value: float | None, limit: int, field: str) -> float | None:
    if value is not None and not -limit <= value <= limit:
        raise DomainError(_("Enter a number from -%(limit)d to %(limit)d.", limit=limit), field=field)
    return value


def _validated(data: PortData, port: Port | None = None) -> dict[str, Any]:
    """Checked and normalised column values; raises DomainError before anything is changed."""
    name = (data.name or "").strip()
    if not name:
        raise DomainError(_("Give the port a name."), field="name")
    country = usable_country(data.country_id, port.country_id if port else None)
    latitude = _coordinate(data.latitude, 90, "latitude")
    longitude = _coordinate(data.longitude, 180, "longitude")
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise DomainError(_("Give both latitude and longitude, or neither."), field=field)
    return {
        "name": name,
        "unlocode": _unlocode(data.unlocode, country, port),
        "country_id": country.id,
        "latitude": latitude,
        "longitude": longitude,
    }


def create_port(actor: User | None, data: PortData) -> Port:
    """Add a port; its UN/LOCODE must be unique and start with its country's code."""
    values = _validated(data)
    conflict = partial(_duplicate, values["unlocode"])
    return create_recorded(actor, Port(**values), "port.create", AUDITED, conflict)


def update_port(actor: User | None, port: Port, data: PortData) -> Port:
    """Change a port under the same rules as when it was added."""
    values = _validated(data, port)
    conflict = partial(_duplicate, values["unlocode"])
    return save_changes(actor, port, "port.update", values, conflict)


def set_archived(actor: User | None, port: Port, archived: bool) -> Port:
    """Archive a port (no longer offered to communities) or bring it back."""
    return save_changes(actor, port, "port.archive" if archived else "port.restore", {"archived": archived})
