"""A community's submission to an index data call: opening it pre-filled from the previous period, saving
values with optimistic locking (nobody's save silently overwrites another's), and the validation results.

The review workflow (submit, return, validate, accept, reopen) is in `submission_workflow.py`; the form's
sections, comments, evidence and history are in `submission_pages.py`.
"""

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import security
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..index_engine import Indicator, Methodology, ValueType
from ..index_engine.checks import Finding, check_records
from ..models import DataCall, PortCommunity, Submission, SubmissionStatus, SubmissionValue, User
from ..models.base import utcnow
from . import action_item_indicator, audit, methodologies
from .changes import commit_unique

logger = logging.getLogger(__name__)

MAX_JUSTIFICATION = 2000
SETTLED = (SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED)
# Digits with a dot or a comma as the decimal mark, no thousands separators (12.5, 12,5, -3, .5).
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
JUSTIFICATION_SUFFIX = ".justification"  # audit key of a justification change: "<code>.justification"


class RevisionConflict(DomainError):
    """Someone saved the submission in between; `current` holds the stored values (code -> value)."""

    def __init__(
        self, current: dict[str, float | None], justifications: dict[str, str | None], revision: int
    ):
        super().__init__(
            _(
                "Someone else saved this submission while you were editing. Nothing of yours was saved, "
                "and your input is kept: compare it with what is stored now, then save again."
            )
        )
        self.current = current
        self.justifications = justifications
        self.revision = revision


class InvalidValues(DomainError):
    """Some entries cannot be stored (wrong code, type or editability); `errors` maps code -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some values could not be saved, so nothing was saved. Please correct them."))
        self.errors = errors


@dataclass(frozen=True)
class ValueInput:
    """One indicator's new value (None: not reported) and its justification."""

    value: float | None
    justification: str | None = None


@dataclass(frozen=True)
class ValueCheck:
    """One validation result of one value: `error` blocks submitting, `justify` needs a justification."""

    code: str
    rule: str
    severity: str
    message: str
    justified: bool = False

    @property
    def blocks(self) -> bool:
        """Whether this result keeps the submission from being submitted."""
        return self.severity == "error" or not self.justified


def methodology_of(submission: Submission) -> Methodology:
    """The engine's methodology of the submission's data call."""
    return methodologies.load_engine_methodology(submission.data_call.methodology_version)


def get(submission_id: int) -> Submission | None:
    """A submission by id."""
    return db.session.get(Submission, submission_id)


def named_community(call: DataCall, community_id: int) -> PortCommunity | None:
    """One of the communities the call names, by id (None for any other)."""
    return next((community for community in call.communities if community.id == community_id), None)


def find_submission(call: DataCall, community: PortCommunity) -> Submission | None:
    """The community's submission to the call, if it was started."""
    return db.session.scalar(
        sa.select(Submission).where(
            Submission.data_call_id == call.id, Submission.community_id == community.id
        )
    )


def previous_submission(call: DataCall, community_id: int) -> Submission | None:
    """The community's submission of the most recent earlier period: accepted or published ones first."""
    settled = sa.case((Submission.status.in_(SETTLED), 0), else_=1)
    return db.session.scalar(
        sa.select(Submission)
        .join(DataCall, Submission.data_call_id == DataCall.id)
        .where(Submission.community_id == community_id, DataCall.period < call.period)
        .order_by(settled, DataCall.period.desc(), Submission.id.desc())
        .limit(1)
    )


def stored_values(submission: Submission | None) -> dict[str, float | None]:
    """The submission's values by indicator code (empty for no submission)."""
    return {row.indicator_code: row.value for row in submission.values} if submission else {}


class _Raced(DomainError):
    """Another request created the same submission first."""


def open_submission(actor: User, call: DataCall, community: PortCommunity) -> Submission:
    """The community's submission to the call, started as a draft pre-filled from the previous period."""
    existing = find_submission(call, community)
    if existing is not None:
        if not security.can(actor, "submissions.view", existing):
            raise NotAllowed(_("You cannot see this submission."))
        return existing
    if not security.can(actor, "submissions.start", (call, community)):
        raise NotAllowed(_("Only the community's coordinators and focal points can answer this data call."))
    codes = {
        indicator.code
        for indicator in methodologies.load_engine_methodology(call.methodology_version).indicators
    }
    prefill = {
        code: value
        for code, value in stored_values(previous_submission(call, community.id)).items()
        if code in codes and value is not None
    }
    # What the platform computes from its own records replaces last period's value, marked as computed.
    computed = action_item_indicator.computed_values(call.period, community, codes)
    prefill |= {code: value for code, (value, _explanation) in computed.items()}
    submission = Submission(data_call=call, community=community, status=SubmissionStatus.DRAFT)
    submission.values = [
        SubmissionValue(
            indicator_code=code,
            value=value,
            updated_by_id=actor.id,
            computed=code in computed,
            justification=computed[code][1] if code in computed else None,
        )
        for code, value in prefill.items()
    ]
    try:
        db.session.add(submission)
        db.session.flush()  # the audit record needs the id; a concurrent twin fails here or at commit
        audit.record(
            actor, "submission.open", submission, community=community, new={"status": "draft", **prefill}
        )
        commit_unique(lambda: _Raced(""))
    except (sa.exc.IntegrityError, _Raced):
        db.session.rollback()
        return find_submission(call, community) or _raise_missing()
    logger.info("submission %s opened for call %s by community %s", submission.id, call.id, community.id)
    return submission


def _raise_missing() -> Submission:
    raise DomainError(_("The submission could not be started. Please try again."))


def editable_codes(submission: Submission) -> frozenset[str] | None:
    """The only codes that may change (those the Secretariat reopened), or None when all may."""
    return frozenset(submission.reopened_codes) if submission.reopened_codes else None


def parse_number(raw: str | None) -> float | None:
    """A typed value as a number ('' is None); a dot or a comma marks decimals. ValueError otherwise."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not NUMBER.fullmatch(text):
        raise ValueError(text)
    return float(text.replace(",", "."))


def entries_from_form(form: Mapping[str, str]) -> dict[str, ValueInput]:
    """The `value-<code>` and `justification-<code>` fields of a posted form; unreadable numbers raise."""
    entries: dict[str, ValueInput] = {}
    errors: dict[str, str] = {}
    for key, raw in form.items():
        if not key.startswith("value-"):
            continue
        code = key.removeprefix("value-")
        try:
            value = parse_number(raw)
        except ValueError:
            errors[code] = _("Enter a number, with a dot or a comma for decimals.")
            continue
        entries[code] = ValueInput(value, form.get(f"justification-{code}"))
    if errors:
        raise InvalidValues(errors)
    return entries


def _clean_justification(text: str | None) -> str | None:
    return (text or "").strip() or None


def _type_problem(indicator: Indicator, entry: ValueInput) -> str | None:
    value = entry.value
    if len(entry.justification or "") > MAX_JUSTIFICATION:
        return _("Please keep the justification under %(count)s characters.", count=MAX_JUSTIFICATION)
    if value is None:
        return None
    if not math.isfinite(value):
        return _("Enter a number.")
    if indicator.value_type is ValueType.RUBRIC and value not in indicator.rubric:
        levels = ", ".join(str(level) for level in sorted(indicator.rubric))
        return _("Choose one of the levels %(levels)s.", levels=levels)
    if indicator.value_type is ValueType.BOOLEAN and value not in (0, 1):
        return _("Choose yes or no.")
    return None


def _changes(row: SubmissionValue | None, entry: ValueInput) -> bool:
    before = (row.value, row.justification) if row is not None else (None, None)
    return before != (entry.value, _clean_justification(entry.justification))


def _check_entries(
    methodology: Methodology, submission: Submission, entries: Mapping[str, ValueInput]
) -> None:
    codes = {indicator.code for indicator in methodology.indicators}
    allowed = editable_codes(submission)
    rows = {row.indicator_code: row for row in submission.values}
    errors: dict[str, str] = {}
    for code, entry in entries.items():
        if code not in codes:
            errors[code] = _("%(code)s is not an indicator of this methodology.", code=code)
        elif problem := _type_problem(methodology.indicator(code), entry):
            errors[code] = problem
        elif allowed is not None and code not in allowed and _changes(rows.get(code), entry):
            errors[code] = _("Only the indicators the Secretariat reopened can change.")
    if errors:
        raise InvalidValues(errors)


def _apply(actor: User, submission: Submission, entries: Mapping[str, ValueInput]) -> tuple[dict, dict]:
    """Store the entries that differ; return the (old, new) of what changed, keyed by code."""
    rows = {row.indicator_code: row for row in submission.values}
    old: dict[str, object] = {}
    new: dict[str, object] = {}
    for code, entry in entries.items():
        row = rows.get(code)
        if not _changes(row, entry):
            continue
        if row is None:
            row = SubmissionValue(indicator_code=code)
            submission.values.append(row)
        justification = _clean_justification(entry.justification)
        if row.value != entry.value:
            old[code], new[code] = row.value, entry.value
        if row.justification != justification:
            key = code + JUSTIFICATION_SUFFIX
            old[key], new[key] = row.justification, justification
        if row.value != entry.value:
            row.computed = False  # the reporter's value now, no longer the platform's
        row.value, row.justification, row.updated_by_id = entry.value, justification, actor.id
    return old, new


def _conflict(submission: Submission) -> RevisionConflict:
    db.session.refresh(submission)
    rows = submission.values
    return RevisionConflict(
        {row.indicator_code: row.value for row in rows},
        {row.indicator_code: row.justification for row in rows},
        submission.revision,
    )


def save_values(
    actor: User, submission: Submission, entries: Mapping[str, ValueInput], expected_revision: int
) -> list[ValueCheck]:
    """Store the entries (all or nothing), audit old -> new, bump the revision; return the checks after."""
    if not security.can(actor, "submissions.edit", submission):
        raise NotAllowed(_("This submission cannot be changed now."))
    if submission.revision != expected_revision:
        raise _conflict(submission)
    methodology = methodology_of(submission)
    _check_entries(methodology, submission, entries)
    old, new = _apply(actor, submission, entries)
    if new:
        audit.record(actor, "submission.values", submission, old=old, new=new, community=submission.community)
        submission.updated_at = (
            utcnow()
        )  # an UPDATE of the row, so the version column catches a concurrent save
        try:
            db.session.commit()
        except (StaleDataError, sa.exc.IntegrityError):
            db.session.rollback()
            raise _conflict(submission) from None
    return value_checks(submission)


def value_checks(submission: Submission) -> list[ValueCheck]:
    """The validation results of the stored values (errors block submitting; "justify" needs a note)."""
    rows = {row.indicator_code: row for row in submission.values}
    return _checks(
        submission,
        {code: row.value for code, row in rows.items()},
        {code for code, row in rows.items() if row.justification},
    )


def preview_checks(submission: Submission, form: Mapping[str, str]) -> list[ValueCheck]:
    """The validation results the typed form would have once saved (nothing is stored)."""
    rows = {row.indicator_code: row for row in submission.values}
    values = {code: row.value for code, row in rows.items()}
    justified = {code for code, row in rows.items() if row.justification}
    unreadable: list[ValueCheck] = []
    for key, raw in form.items():
        code = key.removeprefix("value-")
        if key.startswith("value-"):
            try:
                values[code] = parse_number(raw)
            except ValueError:
                message = _("Enter a number, with a dot or a comma for decimals.")
                unreadable.append(ValueCheck(code, "number", "error", message))
                values.pop(code, None)
            justified.discard(code)
            if _clean_justification(form.get(f"justification-{code}")):
                justified.add(code)
    typed = {check.code for check in unreadable}
    return unreadable + [check for check in _checks(submission, values, justified) if check.code not in typed]


def _checks(submission: Submission, values: dict[str, float | None], justified: set[str]) -> list[ValueCheck]:
    methodology = methodology_of(submission)
    community, period = submission.community_id, submission.data_call.period
    current = [(community, period, ind.code, values.get(ind.code)) for ind in methodology.indicators]
    codes = {indicator.code for indicator in methodology.indicators}
    before = previous_submission(submission.data_call, community)
    previous = [
        (community, "previous", code, value)
        for code, value in stored_values(before).items()
        if code in codes and value is not None
    ]
    findings = check_records(methodology, current, previous)
    return [
        ValueCheck(f.indicator, f.rule, f.severity, finding_message(methodology, f), f.indicator in justified)
        for f in findings
    ]


def _number(value: object) -> str:
    return format_decimal(value, format="#,##0.########") if isinstance(value, int | float) else str(value)


def _change_message(methodology: Methodology, finding: Finding) -> str:
    percent = methodology.indicator(finding.indicator).validation.max_change_pct
    return _(
        "Changed by more than %(percent)s%% from the previous period's %(previous)s: "
        "please explain the change in the justification.",
        percent=_number(percent),
        previous=_number(finding.limit),
    )


_MESSAGES = {
    "required": lambda _m, f: _("A value is required."),
    "min": lambda _m, f: _("Must be at least %(limit)s.", limit=_number(f.limit)),
    "max": lambda _m, f: _("Must be at most %(limit)s.", limit=_number(f.limit)),
    "level": lambda _m, f: _(
        "Must be one of the levels %(levels)s.", levels=", ".join(_number(level) for level in f.limit)
    ),
    "boolean": lambda _m, f: _("Must be yes or no."),
    "change": _change_message,
    "pair": lambda _m, f: _("Must satisfy %(rule)s.", rule=f.limit),
}


def finding_message(methodology: Methodology, finding: Finding) -> str:
    """A finding of the engine in the reader's language, built from its rule and limit."""
    build = _MESSAGES.get(finding.rule)
    return build(methodology, finding) if build else finding.message
