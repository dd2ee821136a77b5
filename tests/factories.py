"""factory_boy factories over the real models; personas in conftest.py are built from these."""

from datetime import timedelta

import factory
import pycountry
from factory.alchemy import SQLAlchemyModelFactory

from ports_network.extensions import db
from ports_network.models import (
    ActionItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    CommitteeMinutes,
    CommunityRole,
    Country,
    DataCall,
    Membership,
    MinutesVersion,
    Motion,
    MotionStatus,
    Organisation,
    Phase,
    Port,
    PortCommunity,
    Sector,
    SessionStatus,
    StakeholderType,
    Submission,
    User,
    VersionOrigin,
    VoteChoice,
)
from ports_network.models.base import utcnow
from ports_network.models.committee import AgendaItem, Body, BodyKind, CommitteeSession, Seat, SessionKind
from ports_network.models.event import (
    Event,
    EventFormat,
    EventKind,
    EventRegistration,
    EventSession,
    EventStatus,
    RegistrationStatus,
)
from ports_network.services import methodologies
from ports_network.services.passwords import hash_password

PASSWORD = "correct horse battery staple"


def location_code(n: int) -> str:
    """The n-th three-letter location part of a UN/LOCODE (AAA, AAB, ...)."""
    return "".join(chr(65 + n // 26**power % 26) for power in (2, 1, 0))


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class CountryFactory(BaseFactory):
    class Meta:
        model = Country
        sqlalchemy_get_or_create = ("alpha2",)

    alpha2 = "PE"
    alpha3 = factory.LazyAttribute(lambda o: pycountry.countries.get(alpha_2=o.alpha2).alpha_3)


class PortFactory(BaseFactory):
    class Meta:
        model = Port

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Port {n}")
    unlocode = factory.LazyAttributeSequence(lambda o, n: o.country.alpha2 + location_code(n))
    latitude = -12.05
    longitude = -77.15


class CommunityFactory(BaseFactory):
    class Meta:
        model = PortCommunity

    name = factory.Sequence(lambda n: f"Port community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    country = factory.SubFactory(CountryFactory)
    phase = Phase.I
    description = factory.LazyFunction(
        lambda: {"en": "A port logistics community.", "es": "Una comunidad logística portuaria."}
    )

    @factory.post_generation
    def ports(self, create, extracted, **kwargs):
        self.ports = list(extracted) if extracted else [PortFactory(country=self.country)]
        if create:
            db.session.commit()


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    stakeholder_type = StakeholderType.PORT_AUTHORITY
    sector = Sector.PUBLIC
    country = factory.SubFactory(CountryFactory)


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    email_confirmed_at = factory.LazyFunction(utcnow)
    preferred_locale = "en"


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = CommunityRole.MEMBER


def default_methodology():
    """The shipped default methodology version (2.0, frozen), imported on first use."""
    methodologies.ensure_default()
    return methodologies.get(methodologies.DEFAULT_VERSION)


class DataCallFactory(BaseFactory):
    class Meta:
        model = DataCall

    methodology_version = factory.LazyFunction(default_methodology)
    period = factory.Sequence(lambda n: str(2000 + n))
    title = factory.LazyAttribute(lambda call: f"Index data call {call.period}")
    deadline = factory.LazyFunction(lambda: utcnow() + timedelta(days=30))

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        self.communities = list(extracted or [])
        if create:
            db.session.commit()


class SubmissionFactory(BaseFactory):
    class Meta:
        model = Submission

    data_call = factory.SubFactory(DataCallFactory)
    community = factory.SubFactory(CommunityFactory)


class BodyFactory(BaseFactory):
    class Meta:
        model = Body

    kind = BodyKind.TECHNICAL_COMMITTEE
    name = factory.Sequence(lambda n: {"en": f"Technical committee {n}", "es": f"Comité técnico {n}"})
    mandate = factory.LazyFunction(lambda: {"en": "Works on **operations**."})
    term_start = factory.LazyFunction(lambda: utcnow().date() - timedelta(days=365))


class SeatFactory(BaseFactory):
    """A seat held since the body's term started; pass community= to hold it for a community."""

    class Meta:
        model = Seat

    body = factory.SubFactory(BodyFactory)
    user = factory.SubFactory(UserFactory)
    start_date = factory.LazyAttribute(lambda seat: seat.body.term_start)


class CommitteeSessionFactory(BaseFactory):
    class Meta:
        model = CommitteeSession

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Ordinary session {n}")
    kind = SessionKind.ONLINE
    link = "https://meet.example.org/session"
    starts_at = factory.LazyFunction(lambda: (utcnow() + timedelta(days=14)).replace(microsecond=0))
    time_zone = "America/Lima"
    duration_minutes = 120


class AgendaItemFactory(BaseFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(CommitteeSessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class MotionFactory(BaseFactory):
    """A motion of a session's body (pass session=; between sessions: session=None, body=, closes_at=)."""

    class Meta:
        model = Motion

    session = factory.SubFactory(CommitteeSessionFactory)
    body = factory.LazyAttribute(lambda motion: motion.session.body)
    text = factory.Sequence(lambda n: f"The body approves the work plan number {n}.")
    status = MotionStatus.PROPOSED


class BallotFactory(BaseFactory):
    class Meta:
        model = Ballot

    motion = factory.SubFactory(MotionFactory)
    voter = factory.SubFactory(UserFactory)
    choice = VoteChoice.YES


class AttendanceFactory(BaseFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(CommitteeSessionFactory)
    user = factory.SubFactory(UserFactory)
    status = AttendanceStatus.PRESENT


class MinutesFactory(BaseFactory):
    """Draft minutes of a closed session with one version (pass text= to choose it)."""

    class Meta:
        model = CommitteeMinutes

    session = factory.SubFactory(CommitteeSessionFactory, status=SessionStatus.CLOSED)
    locale = "en"

    @factory.post_generation
    def text(self, create, extracted, **kwargs):
        text = extracted or "# Minutes\n\nThe session opened at ten.\n"
        self.versions.append(MinutesVersion(number=1, text=text, origin=VersionOrigin.GENERATED))
        if create:
            db.session.commit()


class EventFactory(BaseFactory):
    """A published seminar three weeks ahead, open for registration without a limit; pass communities=."""

    class Meta:
        model = Event

    kind = EventKind.SEMINAR
    title = factory.Sequence(lambda n: {"en": f"Seminar {n}", "es": f"Seminario {n}"})
    format = EventFormat.VIRTUAL
    online_link = "https://meet.example.org/seminar"
    starts_at = factory.LazyFunction(lambda: (utcnow() + timedelta(days=21)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=4))
    time_zone = "America/Lima"
    status = EventStatus.PUBLISHED
    published_at = factory.LazyFunction(utcnow)
    registration_open = True

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        self.communities = list(extracted or [])
        if create:
            db.session.commit()


class ActionItemFactory(BaseFactory):
    class Meta:
        model = ActionItem

    body = factory.SubFactory(BodyFactory)
    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_date = factory.LazyFunction(lambda: utcnow().date() + timedelta(days=30))


class EventSessionFactory(BaseFactory):
    class Meta:
        model = EventSession

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Panel {n}")
    position = factory.Sequence(lambda n: n)


class EventRegistrationFactory(BaseFactory):
    """A place held at an event, counted from Peru by default."""

    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.REGISTERED
    country = factory.SubFactory(CountryFactory)
