"""Forms of the action items: the item itself (officers), its status with a note (owner), the list filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ... import labels
from ...models import ActionItem, ActionItemStatus, PortCommunity, User
from ...services import action_items
from ..forms import options

NONE = 0


class ItemForm(FlaskForm):
    """An action: title, description, owner, due date, and the community and indicator it should improve."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=action_items.MAX_TITLE)])
    description = TextAreaField(
        _l("Description (optional; Markdown)"), validators=[Length(max=action_items.MAX_DESCRIPTION)]
    )
    owner_id = SelectField(_l("Owner"), coerce=int, choices=[])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
    community_id = SelectField(_l("Community it should improve (optional)"), coerce=int, choices=[])
    indicator_code = SelectField(_l("Index indicator it should improve (optional)"), choices=[])

    def set_choices(
        self, people: list[User], communities: list[PortCommunity], indicators: list[tuple[str, str]]
    ) -> None:
        """The people, communities and indicators to choose from."""
        self.owner_id.choices = options(
            [(NONE, _l("Choose…")), *((p.id, f"{p.name} <{p.email}>") for p in people)]
        )
        self.community_id.choices = options(
            [(NONE, _l("No community")), *((c.id, c.name) for c in communities)]
        )
        self.indicator_code.choices = options([("", _l("No indicator")), *indicators])

    def to_data(self) -> action_items.ItemData:
        """The service's input."""
        return action_items.ItemData(
            title=self.title.data or "",
            description=self.description.data,
            owner_id=self.owner_id.data or None,
            due_date=self.due_date.data,
            community_id=self.community_id.data or None,
            indicator_code=self.indicator_code.data or None,
        )

    @classmethod
    def of(cls, item: ActionItem) -> "ItemForm":
        """The form filled from an item."""
        return cls(
            title=item.title,
            description=item.description,
            owner_id=item.owner_id,
            due_date=item.due_date,
            community_id=item.community_id or NONE,
            indicator_code=item.indicator_code or "",
        )


class StatusForm(FlaskForm):
    """A new status and a note on it."""

    status = SelectField(_l("New status"), choices=options(labels.choices(ActionItemStatus)))
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=action_items.MAX_NOTE)])


class FilterForm(FlaskForm):
    """The follow-up list's filters (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    owner = SelectField(_l("Owner"), coerce=int, choices=[], validators=[Optional()])

    def set_choices(self, owners: list[User]) -> None:
        """Statuses (with "pending" and "overdue") and the owners found in the list."""
        self.status.choices = options(
            [
                ("", _l("Any status")),
                (action_items.PENDING, _l("Open or in progress")),
                (action_items.OVERDUE, _l("Overdue")),
                *labels.choices(ActionItemStatus),
            ]
        )
        self.owner.choices = options([(NONE, _l("Anyone")), *((p.id, p.name) for p in owners)])

    def filters(self) -> action_items.Filters:
        """The service's filters (unknown values are ignored)."""
        return action_items.Filters(status=self.status.data or None, owner_id=self.owner.data or None)
