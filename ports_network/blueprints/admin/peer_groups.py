"""The Secretariat's peer-group screens: list, add, edit (names and communities) and delete."""

import dataclasses
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ...i18n import current_locale
from ...models import PeerGroup
from ...models.base import localized
from ...services import peer_groups
from ..forms import options
from . import bp
from .crud import Screens, Titles, register
from .forms import DESCRIPTION_LOCALES, EntityForm

# Created before the other fields so that the new-group form asks for the code first.
CODE_FIELD = StringField(
    _l("Code (lowercase letters, digits and hyphens; it never changes)"),
    validators=[DataRequired(), Length(max=peer_groups.CODE_MAX)],
)


class PeerGroupForm(EntityForm):
    """A peer group's names and descriptions in three languages and its communities."""

    name_es = StringField(_l("Name in Spanish"), validators=[Optional(), Length(max=peer_groups.NAME_MAX)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=peer_groups.NAME_MAX)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Optional(), Length(max=peer_groups.NAME_MAX)])
    description_es = TextAreaField(_l("Description in Spanish"))
    description_en = TextAreaField(_l("Description in English"))
    description_pt = TextAreaField(_l("Description in Portuguese"))
    community_ids = SelectMultipleField(_l("Communities"), coerce=int, choices=[])
    move = BooleanField(_l("Move chosen communities that are in another peer group into this one"))

    @classmethod
    def initial(cls, item: PeerGroup) -> dict[str, Any]:
        """Names, descriptions and communities are stored differently from how the form shows them."""
        values = {f"name_{locale}": item.name.get(locale, "") for locale in DESCRIPTION_LOCALES}
        description = item.description or {}
        values |= {f"description_{locale}": description.get(locale, "") for locale in DESCRIPTION_LOCALES}
        return {**values, "community_ids": [community.id for community in item.communities]}

    def prepare(self, item: PeerGroup | None = None) -> None:
        """Community choices, each labelled with the group it is in now."""
        self.community_ids.choices = options(peer_groups.community_choices(current_locale(), item))

    def to_data(self) -> peer_groups.PeerGroupData:
        """The service's input."""
        return peer_groups.PeerGroupData(
            name={locale: self[f"name_{locale}"].data or "" for locale in DESCRIPTION_LOCALES},
            description={locale: self[f"description_{locale}"].data or "" for locale in DESCRIPTION_LOCALES},
            community_ids=list(self.community_ids.data or []),
            move=bool(self.move.data),
        )


class PeerGroupNewForm(PeerGroupForm):
    """Adding a group also asks for its code."""

    code = CODE_FIELD

    def to_data(self) -> peer_groups.PeerGroupData:
        """The service's input, with the code."""
        return dataclasses.replace(super().to_data(), code=self.code.data)


register(
    bp,
    Screens(
        name="peer_groups",
        segment="peer-groups",
        model=PeerGroup,
        titles=Titles(_l("Peer groups"), _l("Add a peer group"), _l("Edit peer group")),
        form=PeerGroupForm,
        new_form=PeerGroupNewForm,
        listing=peer_groups.list_groups,
        create=peer_groups.create_group,
        update=peer_groups.update_group,
        delete=peer_groups.delete_group,
        describe=lambda group: localized(group.name, current_locale()),
        context={"localized": localized},
    ),
)
