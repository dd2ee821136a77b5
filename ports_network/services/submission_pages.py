"""What a submission's page shows and adds: the form's sections (pillars with their indicators, the previous
period's values, validation results, comments and evidence), comments, evidence files, and the history of
every change with old → new."""

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..index_engine import Indicator, Methodology, localized
from ..index_engine.methodology import walk
from ..models import Submission, SubmissionComment, SubmissionEvidence, User
from ..models.base import FALLBACK_LOCALES
from . import audit, storage
from .submissions import (
    JUSTIFICATION_SUFFIX,
    ValueCheck,
    editable_codes,
    methodology_of,
    previous_submission,
    stored_values,
    value_checks,
)

logger = logging.getLogger(__name__)

MAX_COMMENT = 5000

Attached = TypeVar("Attached", SubmissionComment, SubmissionEvidence)


def number_text(value: float | None) -> str:
    """A value as typed in the form: '' for none, no trailing '.0', never rounded."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class FormIndicator:
    """One indicator as the form shows it, with everything said about its value."""

    code: str
    name: str
    definition: str
    unit: str
    value_type: str
    levels: list[tuple[int, str]]
    minimum: float | None
    maximum: float | None
    previous: float | None
    value: float | None
    justification: str | None
    checks: list[ValueCheck]
    comments: list[SubmissionComment]
    evidence: list[SubmissionEvidence]
    editable: bool  # False when the Secretariat reopened other indicators only
    computed: bool = False  # filled in by the platform from its own records (action items)

    @property
    def value_text(self) -> str:
        """The stored value as the input shows it."""
        return number_text(self.value)

    @property
    def previous_text(self) -> str:
        """The previous period's value as the form shows it."""
        return number_text(self.previous)


@dataclass(frozen=True)
class FormSection:
    """A pillar of the methodology and its indicators (those of its sub-pillars included)."""

    code: str
    name: str
    indicators: list[FormIndicator]


def _by_code(
    model: type[Attached], submission: Submission, related: sa.orm.QueryableAttribute
) -> dict[str | None, list[Attached]]:
    """Rows of `model` on the submission, oldest first, per indicator code, with `related` loaded."""
    rows = db.session.scalars(
        sa.select(model)
        .where(model.submission_id == submission.id)
        .options(sa.orm.joinedload(related))
        .order_by(model.created_at, model.id)
    )
    grouped: dict[str | None, list[Attached]] = defaultdict(list)
    for row in rows:
        grouped[row.indicator_code].append(row)
    return grouped


def comments_by_code(submission: Submission) -> dict[str | None, list[SubmissionComment]]:
    """The submission's comments, oldest first, per indicator code (None: about the whole submission)."""
    return _by_code(SubmissionComment, submission, SubmissionComment.author)


def evidence_by_code(submission: Submission) -> dict[str | None, list[SubmissionEvidence]]:
    """The submission's evidence files per indicator code (None: about the whole submission)."""
    return _by_code(SubmissionEvidence, submission, SubmissionEvidence.stored_file)


def _text(text: object, locale: str) -> str:
    return localized(text, locale, FALLBACK_LOCALES) if text else ""


def _indicator(indicator: Indicator, locale: str, context: dict) -> FormIndicator:
    rows, allowed = context["rows"], context["allowed"]
    row = rows.get(indicator.code)
    return FormIndicator(
        code=indicator.code,
        name=_text(indicator.name, locale),
        definition=_text(indicator.definition, locale),
        unit=indicator.unit,
        value_type=indicator.value_type.value,
        levels=[(level, _text(meaning, locale)) for level, meaning in sorted(indicator.rubric.items())],
        minimum=indicator.validation.min,
        maximum=indicator.validation.max,
        previous=context["previous"].get(indicator.code),
        value=row.value if row else None,
        justification=row.justification if row else None,
        checks=context["checks"].get(indicator.code, []),
        comments=context["comments"].get(indicator.code, []),
        evidence=context["evidence"].get(indicator.code, []),
        editable=allowed is None or indicator.code in allowed,
        computed=bool(row and row.computed),
    )


def form_sections(
    submission: Submission, locale: str, checks: list[ValueCheck] | None = None
) -> list[FormSection]:
    """The methodology's pillars with their indicators, ready for the form (`checks`: default the stored)."""
    methodology = methodology_of(submission)
    by_code: dict[str, list[ValueCheck]] = defaultdict(list)
    for check in value_checks(submission) if checks is None else checks:
        by_code[check.code].append(check)
    context = {
        "rows": {row.indicator_code: row for row in submission.values},
        "allowed": editable_codes(submission),
        "previous": stored_values(previous_submission(submission.data_call, submission.community_id)),
        "checks": by_code,
        "comments": comments_by_code(submission),
        "evidence": evidence_by_code(submission),
    }
    return [
        FormSection(
            pillar.code,
            _text(pillar.name, locale),
            [
                _indicator(item, locale, context)
                for item, _depth in walk(pillar)
                if isinstance(item, Indicator)
            ],
        )
        for pillar in methodology.pillars
    ]


def _indicator_code(submission: Submission, code: str | None) -> str | None:
    code = (code or "").strip() or None
    if code is not None and code not in {ind.code for ind in methodology_of(submission).indicators}:
        raise DomainError(_("There is no such indicator in this submission."), field="indicator_code")
    return code


def add_comment(actor: User, submission: Submission, code: str | None, body: str | None) -> SubmissionComment:
    """A remark on one value (code) or on the whole submission (None), in markdown."""
    if not security.can(actor, "submissions.comment", submission):
        raise NotAllowed(_("You cannot comment on this submission."))
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Write a comment first."), field="body")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("Please keep comments under %(count)s characters.", count=MAX_COMMENT), field="body"
        )
    comment = SubmissionComment(
        submission_id=submission.id,
        indicator_code=_indicator_code(submission, code),
        author_id=actor.id,
        body=text,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def add_evidence(
    actor: User, submission: Submission, code: str | None, upload: FileStorage | None
) -> SubmissionEvidence:
    """Attach a file supporting one value (code) or the whole submission (None) while it can be edited."""
    if not security.can(actor, "submissions.edit", submission):
        raise NotAllowed(_("Evidence can only be attached while the submission can be edited."))
    if upload is None or not upload.filename:
        raise DomainError(_("Choose a file to attach."), field="file")
    indicator_code = _indicator_code(submission, code)
    stored = storage.save_upload(upload, "evidence", actor)
    db.session.flush()
    evidence = SubmissionEvidence(
        submission_id=submission.id,
        indicator_code=indicator_code,
        stored_file_id=stored.id,
        uploaded_by_id=actor.id,
    )
    db.session.add(evidence)
    audit.record(
        actor,
        "submission.evidence",
        submission,
        community=submission.community,
        new={"indicator": indicator_code, "file": stored.original_name},
    )
    db.session.commit()
    return evidence


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, format="#,##0.##########")
    return str(value)


def _indicator_label(key: str, names: dict[str, str]) -> str | None:
    """The label of a value key ("<code>" or "<code>.justification"), or None for other fields."""
    code = key.removesuffix(JUSTIFICATION_SUFFIX)
    if code not in names:
        return None
    if key.endswith(JUSTIFICATION_SUFFIX):
        return _("%(indicator)s (justification)", indicator=names[code])
    return names[code]


def _with_indicator_names(entry: audit.AuditEntry, names: dict[str, str]) -> audit.AuditEntry:
    old, new = entry.event.old or {}, entry.event.new or {}
    # audit's entries list their changes in sorted key order: pair each with its key.
    changes = []
    for key, change in zip(sorted(old.keys() | new.keys()), entry.changes, strict=True):
        label = _indicator_label(key, names)
        changes.append(change if label is None else (label, _shown(old.get(key)), _shown(new.get(key))))
    return replace(entry, changes=changes)


def history(submission: Submission, locale: str) -> list[audit.AuditEntry]:
    """Every recorded change of the submission, oldest first, values labelled by indicator name."""
    methodology: Methodology = methodology_of(submission)
    names = {indicator.code: _text(indicator.name, locale) for indicator in methodology.indicators}
    return [_with_indicator_names(entry, names) for entry in audit.subject_entries(submission)]
