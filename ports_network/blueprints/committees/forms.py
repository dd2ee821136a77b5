"""Forms of the governance pages: bodies and seats (Secretariat), sessions and their agenda (officers)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from ... import labels
from ...models import (
    AgendaItem,
    AgendaItemKind,
    Body,
    BodyKind,
    BodyStatus,
    CommitteeSession,
    Organisation,
    PortCommunity,
    ProxyRule,
    QuorumRule,
    Seat,
    SeatRole,
    SessionKind,
    User,
    VotingRule,
)
from ...services import committee_agenda, committee_sessions, committees, text_input, time_zones
from ...services.committee_seats import SeatData
from ..forms import options

NONE = 0
LOCALES = committees.LOCALES
LANGUAGE_LABELS = {"es": _l("in Spanish"), "en": _l("in English"), "pt": _l("in Portuguese")}


class BodyForm(FlaskForm):
    """A body: kind, name and mandate in three languages, term, status, rules of procedure, work plan."""

    kind = SelectField(_l("Kind of body"), choices=options(labels.choices(BodyKind)))
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=committees.MAX_NAME)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=committees.MAX_NAME)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Length(max=committees.MAX_NAME)])
    mandate_es = TextAreaField(_l("Mandate in Spanish"), validators=[Length(max=committees.MAX_MANDATE)])
    mandate_en = TextAreaField(_l("Mandate in English"), validators=[Length(max=committees.MAX_MANDATE)])
    mandate_pt = TextAreaField(_l("Mandate in Portuguese"), validators=[Length(max=committees.MAX_MANDATE)])
    term_start = DateField(_l("Term starts"), validators=[DataRequired()])
    term_end = DateField(_l("Term ends (optional)"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options(labels.choices(BodyStatus)))
    voting_rule = SelectField(_l("Voting rule"), choices=options(labels.choices(VotingRule)))
    quorum_rule = SelectField(_l("Quorum rule"), choices=options(labels.choices(QuorumRule)))
    quorum_count = IntegerField(
        _l("Quorum: number of voting seats (fixed rule only)"), validators=[Optional()]
    )
    proxy_rule = SelectField(_l("Who may hold a proxy"), choices=options(labels.choices(ProxyRule)))
    max_proxies = IntegerField(
        _l("Proxies one holder may carry"), default=1, validators=[NumberRange(0, committees.MAX_PROXIES)]
    )
    requires_mou = BooleanField(_l("Voting seats require the community's signed Memorandum of Understanding"))
    work_plan = FileField(_l("Work plan (PDF, Word, Excel or PowerPoint; optional)"))

    def texts(self, prefix: str) -> dict[str, str]:
        """The name or mandate keyed by locale."""
        return {locale: self[f"{prefix}_{locale}"].data or "" for locale in LOCALES}

    def to_data(self) -> committees.BodyData:
        """The service's input."""
        return committees.BodyData(
            kind=BodyKind(self.kind.data),
            name=self.texts("name"),
            mandate=self.texts("mandate"),
            term_start=self.term_start.data,
            term_end=self.term_end.data,
            status=BodyStatus(self.status.data),
            voting_rule=VotingRule(self.voting_rule.data),
            quorum_rule=QuorumRule(self.quorum_rule.data),
            quorum_count=self.quorum_count.data,
            proxy_rule=ProxyRule(self.proxy_rule.data),
            max_proxies=self.max_proxies.data if self.max_proxies.data is not None else 1,
            requires_mou=self.requires_mou.data,
        )

    @classmethod
    def of(cls, body: Body) -> "BodyForm":
        """The form filled from a body."""
        texts = {f"name_{locale}": body.name.get(locale, "") for locale in LOCALES}
        texts |= {f"mandate_{locale}": (body.mandate or {}).get(locale, "") for locale in LOCALES}
        return cls(
            kind=body.kind.value,
            term_start=body.term_start,
            term_end=body.term_end,
            status=body.status.value,
            voting_rule=body.voting_rule.value,
            quorum_rule=body.quorum_rule.value,
            quorum_count=body.quorum_count,
            proxy_rule=body.proxy_rule.value,
            max_proxies=body.max_proxies,
            requires_mou=body.requires_mou,
            **texts,
        )


class SeatForm(FlaskForm):
    """A seat: person, the community and organisation they sit for, role, dates."""

    user_id = SelectField(_l("Person"), coerce=int, choices=[])
    community_id = SelectField(_l("On behalf of the community"), coerce=int, choices=[])
    organisation_id = SelectField(_l("On behalf of the organisation"), coerce=int, choices=[])
    role = SelectField(_l("Role"), choices=options(labels.choices(SeatRole)), default=SeatRole.MEMBER.value)
    start_date = DateField(_l("From"), validators=[DataRequired()])
    end_date = DateField(_l("Until (optional)"), validators=[Optional()])

    def set_choices(
        self, people: list[User], communities: list[PortCommunity], organisations: list[Organisation]
    ) -> None:
        """The people, communities and organisations to choose from."""
        self.user_id.choices = options(
            [(NONE, _l("Choose…")), *((p.id, f"{p.name} <{p.email}>") for p in people)]
        )
        self.community_id.choices = options(
            [(NONE, _l("No community")), *((c.id, c.name) for c in communities)]
        )
        self.organisation_id.choices = options(
            [(NONE, _l("Their organisation in that community")), *((o.id, o.name) for o in organisations)]
        )

    def to_data(self) -> SeatData:
        """The service's input."""
        return SeatData(
            user_id=self.user_id.data or None,
            role=SeatRole(self.role.data),
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            organisation_id=self.organisation_id.data or None,
            community_id=self.community_id.data or None,
        )

    @classmethod
    def of(cls, seat: Seat, prefix: str = "") -> "SeatForm":
        """The form filled from a seat."""
        return cls(
            prefix=prefix,
            user_id=seat.user_id,
            community_id=seat.community_id or NONE,
            organisation_id=seat.organisation_id or NONE,
            role=seat.role.value,
            start_date=seat.start_date,
            end_date=seat.end_date,
        )


INHERIT = ""


class SessionForm(FlaskForm):
    """A session: title, kind, place or link, local date and time in a chosen zone, duration, quorum."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=committee_sessions.MAX_TITLE)])
    kind = SelectField(_l("Kind of session"), choices=options(labels.choices(SessionKind)))
    start_date = DateField(_l("Date (in the session's time zone)"), validators=[DataRequired()])
    start_time = TimeField(_l("Start time (in the session's time zone)"), validators=[DataRequired()])
    time_zone = SelectField(
        _l("Time zone"), choices=[], default=time_zones.DEFAULT_ZONE, validators=[DataRequired()]
    )
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=120, validators=[InputRequired()])
    place = StringField(
        _l("Place (in person or hybrid)"), validators=[Length(max=committee_sessions.MAX_PLACE)]
    )
    link = StringField(
        _l("Online meeting link (online or hybrid)"), validators=[Length(max=text_input.MAX_LINK)]
    )
    quorum_rule = SelectField(_l("Quorum rule"), choices=[], default=INHERIT)
    quorum_count = IntegerField(
        _l("Quorum: number of voting seats (fixed rule only)"), validators=[Optional()]
    )

    def set_choices(self, body: Body) -> None:
        """Time zones, and the quorum rules with the body's own rule as the default."""
        self.time_zone.choices = options((name, name.replace("_", " ")) for name in time_zones.zone_names())
        inherit = _l("The body's rule (%(rule)s)", rule=labels.label(body.quorum_rule))
        self.quorum_rule.choices = options([(INHERIT, inherit), *labels.choices(QuorumRule)])

    def to_data(self) -> committee_sessions.SessionData:
        """The service's input."""
        start = None
        if self.start_date.data and self.start_time.data:
            start = datetime.combine(self.start_date.data, self.start_time.data)
        return committee_sessions.SessionData(
            title=self.title.data or "",
            kind=SessionKind(self.kind.data),
            local_start=start,
            time_zone=self.time_zone.data,
            duration_minutes=self.duration_minutes.data,
            place=self.place.data,
            link=self.link.data,
            quorum_rule=QuorumRule(self.quorum_rule.data) if self.quorum_rule.data else None,
            quorum_count=self.quorum_count.data,
        )

    @classmethod
    def of(cls, session: CommitteeSession) -> "SessionForm":
        """The form filled from a session, in the session's own time zone."""
        local = committee_sessions.local_start(session)
        return cls(
            title=session.title,
            kind=session.kind.value,
            start_date=local.date(),
            start_time=local.time().replace(second=0, microsecond=0, tzinfo=None),
            time_zone=session.time_zone,
            duration_minutes=session.duration_minutes,
            place=session.place,
            link=session.link,
            quorum_rule=session.quorum_rule.value if session.quorum_rule else INHERIT,
            quorum_count=session.quorum_count,
        )


class CancelForm(FlaskForm):
    """Why a session is cancelled (told to everyone convened)."""

    reason = TextAreaField(
        _l("Reason for the cancellation"), validators=[Length(max=committee_sessions.MAX_REASON)]
    )


class ItemForm(FlaskForm):
    """An agenda item."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=committee_agenda.MAX_TITLE)])
    kind = SelectField(_l("Kind of item"), choices=options(labels.choices(AgendaItemKind)))
    presenter_id = SelectField(_l("Presenter (optional)"), coerce=int, choices=[])
    time_box_minutes = IntegerField(_l("Time box in minutes (optional)"), validators=[Optional()])
    description = TextAreaField(
        _l("Description (optional; Markdown)"), validators=[Length(max=committee_agenda.MAX_DESCRIPTION)]
    )

    def set_presenters(self, people: list[User]) -> None:
        """The people who may present (those convened)."""
        self.presenter_id.choices = options(
            [(NONE, _l("Nobody in particular")), *((p.id, p.name) for p in people)]
        )

    def to_data(self) -> committee_agenda.ItemData:
        """The service's input."""
        return committee_agenda.ItemData(
            title=self.title.data or "",
            kind=AgendaItemKind(self.kind.data),
            presenter_id=self.presenter_id.data or None,
            time_box_minutes=self.time_box_minutes.data,
            description=self.description.data,
        )

    @classmethod
    def of(cls, item: AgendaItem) -> "ItemForm":
        """The form filled from an item."""
        return cls(
            title=item.title,
            kind=item.kind.value,
            presenter_id=item.presenter_id or NONE,
            time_box_minutes=item.time_box_minutes,
            description=item.description,
        )


class DocumentForm(FlaskForm):
    """A document to attach to an agenda item."""

    document = FileField(_l("Document (PDF, Office, text or image)"))


class MoveForm(FlaskForm):
    """Move an agenda item one place up (-1) or down (+1)."""

    step = HiddenField(validators=[AnyOf(["-1", "1"])])
