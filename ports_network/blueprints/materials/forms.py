"""Forms of the materials library: what describes a material, a version or translation, captions, search."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ... import labels
from ...models import MATERIAL_LANGUAGES, Material, MaterialAccess, MaterialType
from ...services import materials, text_input
from ...services.material_pages import FormChoices
from ..forms import options

NONE = 0
LANGUAGE_LABELS = {"es": _l("Spanish"), "en": _l("English"), "pt": _l("Portuguese"), "fr": _l("French")}
ATTACHMENT_FIELDS = ("community_id", "body_id", "committee_session_id", "event_id", "event_session_id")


def language_options() -> list:
    """The materials' languages, named in the reader's language."""
    return options((code, LANGUAGE_LABELS[code]) for code in MATERIAL_LANGUAGES)


def _with_none(choices: list[tuple[int, str]], none_label: object) -> list:
    return options([(NONE, none_label), *choices])


def _id(value: int | None) -> int | None:
    return value or None


class MetadataForm(FlaskForm):
    """What describes a material in every language: kind, who may see it, attachments, authors, tags."""

    kind = SelectField(_l("Type"), choices=options(labels.choices(MaterialType)))
    issued_on = DateField(_l("Date of the document"), validators=[Optional()])
    authors = StringField(_l("Authors (separated by commas)"), validators=[Length(max=2000)])
    tags = StringField(_l("Tags (separated by commas)"), validators=[Length(max=2000)])
    access = SelectField(_l("Who may see it"), choices=options(labels.choices(MaterialAccess)))
    access_community_id = SelectField(_l("Community that may see it"), coerce=int, choices=[], default=NONE)
    access_body_id = SelectField(_l("Governance body that may see it"), coerce=int, choices=[], default=NONE)
    embargo_until = DateField(_l("Public from (optional)"), validators=[Optional()])
    community_id = SelectField(_l("Community"), coerce=int, choices=[], default=NONE)
    body_id = SelectField(_l("Governance body"), coerce=int, choices=[], default=NONE)
    committee_session_id = SelectField(
        _l("Session of a governance body"), coerce=int, choices=[], default=NONE
    )
    event_id = SelectField(_l("Event"), coerce=int, choices=[], default=NONE)
    event_session_id = SelectField(_l("Session of an event"), coerce=int, choices=[], default=NONE)
    methodology_version_id = SelectField(
        _l("Index methodology version"), coerce=int, choices=[], default=NONE
    )
    indicator_code = StringField(_l("Indicator code (methodology notes)"), validators=[Length(max=64)])

    def set_choices(self, choices: FormChoices) -> "MetadataForm":
        """Fill the selects with what this person may choose."""
        none = _l("None")
        self.access_community_id.choices = _with_none(choices.access_communities, "—")
        self.access_body_id.choices = _with_none(choices.access_bodies, "—")
        self.community_id.choices = _with_none(choices.communities, none)
        self.body_id.choices = _with_none(choices.bodies, none)
        self.committee_session_id.choices = _with_none(choices.committee_sessions, none)
        self.event_id.choices = _with_none(choices.events, none)
        self.event_session_id.choices = _with_none(choices.event_sessions, none)
        self.methodology_version_id.choices = _with_none(choices.methodology_versions, none)
        return self

    def to_data(self) -> materials.MaterialData:
        """The service's input."""
        return materials.MaterialData(
            kind=MaterialType(self.kind.data),
            access=MaterialAccess(self.access.data),
            access_community_id=_id(self.access_community_id.data),
            access_body_id=_id(self.access_body_id.data),
            embargo_until=self.embargo_until.data,
            issued_on=self.issued_on.data,
            authors=self.authors.data or "",
            tags=self.tags.data or "",
            methodology_version_id=_id(self.methodology_version_id.data),
            indicator_code=self.indicator_code.data,
            **{name: _id(self[name].data) for name in ATTACHMENT_FIELDS},
        )

    @classmethod
    def of(cls, material: Material) -> "MetadataForm":
        """The form filled from a material."""
        return cls(
            kind=material.kind.value,
            issued_on=material.issued_on,
            authors=", ".join(material.authors),
            tags=", ".join(material.tags),
            access=material.access.value,
            access_community_id=material.access_community_id or NONE,
            access_body_id=material.access_body_id or NONE,
            embargo_until=material.embargo_until,
            methodology_version_id=material.methodology_version_id or NONE,
            indicator_code=material.indicator_code or "",
            **{name: getattr(material, name) or NONE for name in ATTACHMENT_FIELDS},
        )


class VersionFields(FlaskForm):
    """A variant's text and one version of it: a file, or a recording's link, and a note."""

    language = SelectField(_l("Language"), choices=[])
    title = StringField(_l("Title"), validators=[Length(max=materials.MAX_TITLE)])
    description = TextAreaField(_l("Description"), validators=[Length(max=materials.MAX_DESCRIPTION)])
    file = FileField(_l("File (PDF, Word, Excel, PowerPoint, text, picture or MP4/WebM video)"))
    link = StringField(
        _l("Or, for a recording, its https:// link"), validators=[Length(max=text_input.MAX_LINK)]
    )
    note = StringField(_l("Note on this version (optional)"), validators=[Length(max=materials.MAX_NOTE)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_options()

    def variant_data(self) -> materials.VariantData:
        """The variant's text."""
        return materials.VariantData(self.language.data, self.title.data or "", self.description.data or "")

    def upload_data(self) -> materials.UploadData:
        """The version's file or link."""
        return materials.UploadData(file=self.file.data, link=self.link.data or "", note=self.note.data or "")


class VersionForm(VersionFields):
    """A new version of a language variant, or the first of a new language."""


class MaterialForm(MetadataForm, VersionFields):
    """A new material: what describes it, its first variant and its first version."""


class CaptionForm(FlaskForm):
    """A WebVTT caption file of a recording in one language."""

    language = SelectField(_l("Language of the captions"), choices=[])
    file = FileField(_l("Caption file (WebVTT, .vtt)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_options()
