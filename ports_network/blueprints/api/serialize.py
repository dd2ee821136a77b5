"""Plain JSON-ready dicts of what the API answers; the shapes are the schemas of openapi.py."""

from datetime import datetime
from typing import Any

from ...i18n import current_locale
from ...index_engine import localized
from ...index_engine.methodology import Indicator
from ...models import DataCall, PortCommunity, Submission, User
from ...services import methodologies
from ...services.submissions import ValueCheck

LOCALE_FALLBACKS = ("es", "en", "pt")


def when(moment: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 text in UTC."""
    return moment.isoformat() if moment is not None else None


def community(item: PortCommunity) -> dict[str, Any]:
    """A community as other objects name it."""
    return {"id": item.id, "name": item.name, "slug": item.slug}


def data_call(call: DataCall) -> dict[str, Any]:
    """A data call and the communities it names."""
    return {
        "id": call.id,
        "title": call.title,
        "period": call.period,
        "methodology_version": call.methodology_version.version,
        "deadline": when(call.deadline),
        "status": call.status.value,
        "communities": [community(item) for item in call.communities],
    }


def _text(value: Any) -> str:
    return localized(value, current_locale(), LOCALE_FALLBACKS)


def indicator(item: Indicator) -> dict[str, Any]:
    """What a reporting system needs to know about one indicator to send its value."""
    rules = item.validation
    return {
        "code": item.code,
        "name": _text(item.name),
        "definition": _text(item.definition),
        "unit": item.unit,
        "value_type": item.value_type.value,
        "direction": item.direction.value,
        "confidential": item.confidential,
        "required": rules.required,
        "min": rules.min,
        "max": rules.max,
        "max_change_pct": rules.max_change_pct,
        "levels": sorted(int(level) for level in item.rubric) or None,
    }


def data_call_detail(call: DataCall, answerable: set[int]) -> dict[str, Any]:
    """A data call with the indicators it asks for; `may_answer` marks the communities whose submission
    the caller may open."""
    methodology = methodologies.load_engine_methodology(call.methodology_version)
    return {
        **data_call(call),
        "communities": [
            {**community(item), "may_answer": item.id in answerable} for item in call.communities
        ],
        "indicators": [indicator(item) for item in methodology.indicators],
    }


def person(user: User | None) -> dict[str, Any] | None:
    """Who did something, as far as the API says."""
    return {"id": user.id, "name": user.name} if user is not None else None


def check(item: ValueCheck) -> dict[str, Any]:
    """One validation result; `blocks` tells whether it keeps the submission from being submitted."""
    return {
        "code": item.code,
        "rule": item.rule,
        "severity": item.severity,
        "message": item.message,
        "justified": item.justified,
        "blocks": item.blocks,
    }


def submission(item: Submission, checks: list[ValueCheck], may_edit: bool) -> dict[str, Any]:
    """A submission with its values, their justifications and the current validation results."""
    return {
        "id": item.id,
        "data_call_id": item.data_call_id,
        "period": item.data_call.period,
        "methodology_version": item.data_call.methodology_version.version,
        "community": community(item.community),
        "status": item.status.value,
        "revision": item.revision,
        "may_edit": may_edit,
        "return_message": item.return_message,
        "reopened_codes": item.reopened_codes,
        "submitted_at": when(item.submitted_at),
        "validated_at": when(item.validated_at),
        "accepted_at": when(item.accepted_at),
        "published_at": when(item.published_at),
        "updated_at": when(item.updated_at),
        "values": {
            row.indicator_code: {
                "value": row.value,
                "justification": row.justification,
                "updated_at": when(row.updated_at),
            }
            for row in item.values
        },
        "checks": [check(entry) for entry in checks],
    }
