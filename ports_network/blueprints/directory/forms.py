"""The directory's search form: read from the query string, so results can be bookmarked and shared."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField

from ...models import StakeholderType
from ...services import directory
from ..forms import options


def _valid(field: SelectField) -> str | None:
    """The chosen value, or None; an invalid value is reset to "all" rather than shown as an error."""
    if field.errors:
        field.data, field.errors = "", []
    return field.data or None


class DirectorySearchForm(Form):
    """Search text and filters; a value that is not among the choices is ignored, not an error."""

    q = SearchField(_l("Name, organisation or job title"))
    country = SelectField(_l("Country"), choices=[], default="")
    community = SelectField(_l("Community"), choices=[], default="")
    stakeholder_type = SelectField(_l("Kind of organisation"), choices=[], default="")

    def load_choices(self, locale: str) -> None:
        """Countries and communities of the network, and the stakeholder types."""
        everything = ("", _l("All"))
        self.country.choices = options([everything, *directory.country_choices(locale)])
        self.community.choices = options([everything, *directory.community_choices()])
        self.stakeholder_type.choices = options([everything, *directory.stakeholder_choices()])

    def to_query(self, page: int) -> directory.DirectoryQuery:
        """The service's query; invalid filters fall back to "all"."""
        self.validate()
        country, community, kind = (_valid(f) for f in (self.country, self.community, self.stakeholder_type))
        return directory.DirectoryQuery(
            text=(self.q.data or "")[:100],
            country_id=int(country) if country else None,
            community_id=int(community) if community else None,
            stakeholder_type=StakeholderType(kind) if kind else None,
            page=page,
        )
