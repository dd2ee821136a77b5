"""Forms of the events pages: the event itself, its programme and speakers, registering, attendance, and
the calendar's filters."""

from collections.abc import Mapping
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from ... import labels
from ...models import (
    Country,
    Event,
    EventFormat,
    EventKind,
    EventSession,
    Gender,
    PortCommunity,
    SpeakerRole,
    StakeholderType,
    WorkshopTopic,
)
from ...services import event_programme, events, text_input, time_zones
from ...services.event_programme import SessionData, SpeakerData
from ...services.event_registrations import RegistrationData
from ..forms import options

NONE = 0
ANY = ""
LOCALES = events.LOCALES


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _local(moment: datetime, zone: str) -> datetime:
    return time_zones.in_zone(moment, zone).replace(tzinfo=None)


def _texts(form: FlaskForm, prefix: str) -> dict[str, str]:
    return {locale: form[f"{prefix}_{locale}"].data or "" for locale in LOCALES}


def _combine(day: date | None, moment: time | None) -> datetime | None:
    return datetime.combine(day, moment) if day and moment else None


class EventForm(FlaskForm):
    """An event: what, in three languages; when and where; who; registration; published figures."""

    kind = SelectField(_l("Kind of event"), choices=options(labels.choices(EventKind)))
    workshop_topic = SelectField(_l("Workshop topic (workshops only)"), choices=[], default=ANY)
    edition = IntegerField(
        _l("Edition (e.g. 8 for the VIII Regional Meeting; optional)"), validators=[Optional()]
    )
    title_es = StringField(_l("Title in Spanish"), validators=[Length(max=events.MAX_TITLE)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=events.MAX_TITLE)])
    title_pt = StringField(_l("Title in Portuguese"), validators=[Length(max=events.MAX_TITLE)])
    description_es = TextAreaField(_l("Description in Spanish"), validators=[Length(max=events.MAX_TEXT)])
    description_en = TextAreaField(_l("Description in English"), validators=[Length(max=events.MAX_TEXT)])
    description_pt = TextAreaField(_l("Description in Portuguese"), validators=[Length(max=events.MAX_TEXT)])
    outcomes_es = TextAreaField(_l("Outcomes in Spanish"), validators=[Length(max=events.MAX_TEXT)])
    outcomes_en = TextAreaField(_l("Outcomes in English"), validators=[Length(max=events.MAX_TEXT)])
    outcomes_pt = TextAreaField(_l("Outcomes in Portuguese"), validators=[Length(max=events.MAX_TEXT)])
    format = SelectField(_l("Format"), choices=options(labels.choices(EventFormat)))
    place = StringField(_l("Place (in person or hybrid)"), validators=[Length(max=events.MAX_PLACE)])
    country_id = SelectField(_l("Country where it takes place (optional)"), coerce=int, choices=[])
    online_link = StringField(
        _l("Online link (virtual or hybrid; optional)"), validators=[Length(max=text_input.MAX_LINK)]
    )
    time_zone = SelectField(
        _l("Time zone"), choices=[], default=time_zones.DEFAULT_ZONE, validators=[DataRequired()]
    )
    start_date = DateField(_l("Starts on"), validators=[DataRequired()])
    start_time = TimeField(_l("at"), validators=[DataRequired()])
    end_date = DateField(_l("Ends on"), validators=[DataRequired()])
    end_time = TimeField(_l("at"), validators=[DataRequired()])
    community_ids = SelectMultipleField(_l("Communities concerned"), coerce=int, choices=[])
    organisers = TextAreaField(_l("Organisers (one per line)"))
    partners = TextAreaField(_l("Partners and supporters (one per line)"))
    registration_open = BooleanField(_l("Take registrations on the platform"))
    capacity = IntegerField(_l("Places (empty: no limit)"), validators=[Optional()])
    registration_deadline = DateField(_l("Last day to register (optional)"), validators=[Optional()])
    waiting_list = BooleanField(_l("When full, offer a waiting list"), default=True)
    declared_participants = IntegerField(_l("Participants, as published (optional)"), validators=[Optional()])
    declared_countries = StringField(_l("Countries represented, as published (ISO codes, e.g. AR, BR, ES)"))

    def set_choices(self, countries: list[Country], communities: list[PortCommunity], locale: str) -> None:
        """The workshop topics, time zones, countries and communities to choose from."""
        self.workshop_topic.choices = options([(ANY, _l("None")), *labels.choices(WorkshopTopic)])
        self.time_zone.choices = options((name, name.replace("_", " ")) for name in time_zones.zone_names())
        self.country_id.choices = options([(NONE, "—"), *((c.id, c.name_in(locale)) for c in countries)])
        self.community_ids.choices = options((c.id, c.name) for c in communities)

    def to_data(self) -> events.EventData:
        """The service's input."""
        return events.EventData(
            kind=EventKind(self.kind.data),
            workshop_topic=WorkshopTopic(self.workshop_topic.data) if self.workshop_topic.data else None,
            edition=self.edition.data,
            title=_texts(self, "title"),
            description=_texts(self, "description"),
            outcomes=_texts(self, "outcomes"),
            format=EventFormat(self.format.data),
            place=self.place.data,
            country_id=self.country_id.data or None,
            online_link=self.online_link.data,
            local_start=_combine(self.start_date.data, self.start_time.data),
            local_end=_combine(self.end_date.data, self.end_time.data),
            time_zone=self.time_zone.data,
            community_ids=list(self.community_ids.data or []),
            organisers=_lines(self.organisers.data),
            partners=_lines(self.partners.data),
            registration_open=self.registration_open.data,
            capacity=self.capacity.data,
            registration_deadline=self.registration_deadline.data,
            waiting_list=self.waiting_list.data,
            declared_participants=self.declared_participants.data,
            declared_countries=(self.declared_countries.data or "").replace(";", ",").split(","),
        )

    @classmethod
    def of(cls, event: Event) -> "EventForm":
        """The form filled from an event, times in its own zone."""
        start, end = _local(event.starts_at, event.time_zone), _local(event.ends_at, event.time_zone)
        texts = {
            f"{prefix}_{locale}": (getattr(event, prefix) or {}).get(locale, "")
            for prefix in ("title", "description", "outcomes")
            for locale in LOCALES
        }
        deadline = event.registration_deadline
        return cls(
            kind=event.kind.value,
            workshop_topic=event.workshop_topic.value if event.workshop_topic else ANY,
            edition=event.edition,
            format=event.format.value,
            place=event.place,
            country_id=event.country_id or NONE,
            online_link=event.online_link,
            time_zone=event.time_zone,
            start_date=start.date(),
            start_time=start.time(),
            end_date=end.date(),
            end_time=end.time(),
            community_ids=[c.id for c in event.communities],
            organisers="\n".join(p.name for p in event.partners if p.role.value == "organiser"),
            partners="\n".join(p.name for p in event.partners if p.role.value == "partner"),
            registration_open=event.registration_open,
            capacity=event.capacity,
            registration_deadline=_local(deadline, event.time_zone).date() if deadline else None,
            waiting_list=event.waiting_list,
            declared_participants=event.declared_participants,
            declared_countries=", ".join(event.declared_countries or []),
            **texts,
        )


class CancelEventForm(FlaskForm):
    """Why an event is cancelled (told to everyone registered)."""

    reason = TextAreaField(_l("Reason for the cancellation"), validators=[Length(max=events.MAX_REASON)])


class SessionForm(FlaskForm):
    """A programme session."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=event_programme.MAX_TITLE)])
    description = TextAreaField(
        _l("Description (optional; Markdown)"), validators=[Length(max=event_programme.MAX_DESCRIPTION)]
    )
    day = DateField(_l("Day (optional)"), validators=[Optional()])
    start = TimeField(_l("Starts at"), validators=[Optional()])
    end = TimeField(_l("Ends at (optional)"), validators=[Optional()])

    def to_data(self) -> SessionData:
        """The service's input."""
        return SessionData(
            self.title.data or "", self.description.data, self.day.data, self.start.data, self.end.data
        )

    @classmethod
    def of(cls, part: EventSession) -> "SessionForm":
        """The form filled from a session, in its event's zone."""
        zone = part.event.time_zone
        start = _local(part.starts_at, zone) if part.starts_at else None
        end = _local(part.ends_at, zone) if part.ends_at else None
        return cls(
            title=part.title,
            description=part.description,
            day=start.date() if start else None,
            start=start.time() if start else None,
            end=end.time() if end else None,
        )


class SpeakerForm(FlaskForm):
    """A speaker or moderator of a session."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=event_programme.MAX_NAME)])
    affiliation = StringField(
        _l("Affiliation (optional)"), validators=[Length(max=event_programme.MAX_AFFILIATION)]
    )
    role = SelectField(_l("Role"), choices=options(labels.choices(SpeakerRole)))
    email = StringField(_l("Email of their account on the platform (optional)"), validators=[Length(max=254)])

    def to_data(self) -> SpeakerData:
        """The service's input."""
        return SpeakerData(
            self.name.data or "", self.affiliation.data, SpeakerRole(self.role.data), self.email.data
        )


class RegistrationForm(FlaskForm):
    """What a person tells when registering."""

    country_id = SelectField(_l("Country you come from"), coerce=int, choices=[])
    organisation_name = StringField(_l("Organisation (optional)"), validators=[Length(max=200)])
    stakeholder_type = SelectField(_l("Kind of organisation (optional)"), choices=[], default=ANY)
    gender = SelectField(_l("Gender (optional)"), choices=[], default=ANY)

    def set_choices(self, countries: list[Country], locale: str) -> None:
        """Countries, kinds of organisation and the gender answers."""
        self.country_id.choices = options(
            [(NONE, _l("Choose…")), *((c.id, c.name_in(locale)) for c in countries)]
        )
        self.stakeholder_type.choices = options([(ANY, "—"), *labels.choices(StakeholderType)])
        self.gender.choices = options([(ANY, _l("No answer")), *labels.choices(Gender)])

    def to_data(self) -> RegistrationData:
        """The service's input."""
        return RegistrationData(
            country_id=self.country_id.data or None,
            organisation_name=self.organisation_name.data,
            stakeholder_type=StakeholderType(self.stakeholder_type.data)
            if self.stakeholder_type.data
            else None,
            gender=Gender(self.gender.data) if self.gender.data else None,
        )


class CalendarFilterForm(FlaskForm):
    """The calendar's filters (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of event"), choices=[], default=ANY)
    year = SelectField(_l("Year"), choices=[], default=ANY)
    country = SelectField(_l("Country"), choices=[], default=ANY)

    def set_choices(self, years: list[int], countries: list[Country], locale: str) -> None:
        """Kinds, the years with events and the countries events concern."""
        self.kind.choices = options([(ANY, _l("All kinds")), *labels.choices(EventKind)])
        self.year.choices = options([(ANY, _l("All years")), *((str(y), str(y)) for y in years)])
        self.country.choices = options(
            [(ANY, _l("All countries")), *((str(c.id), c.name_in(locale)) for c in countries)]
        )


ATTENDANCE_PREFIX = "attendance-"
ATTENDANCE_VALUES = {ANY, "attended", "absent"}


class AttendanceForm(FlaskForm):
    """Attendance per registration: a field `attendance-<registration id>` holding "", "attended" or
    "absent" for each person listed (the fields are drawn by the template, one radio group per row)."""

    def marks(self, data: Mapping[str, str]) -> dict[int, str | None]:
        """The marks sent; ValueError for a malformed field name or value."""
        found: dict[int, str | None] = {}
        for key, value in data.items():
            if not key.startswith(ATTENDANCE_PREFIX):
                continue
            number = key.removeprefix(ATTENDANCE_PREFIX)
            if not number.isdigit() or value not in ATTENDANCE_VALUES:
                raise ValueError(key)
            found[int(number)] = value or None
        return found
