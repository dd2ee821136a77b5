"""Saving validated values on a model together with its audit record (old -> new) in one transaction."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ..errors import DomainError
from ..extensions import db
from ..models import User
from . import audit


def snapshot(instance: Any, names: Iterable[str]) -> dict[str, Any]:
    """The current values of some attributes, as an audit record's `old` or `new`."""
    return {name: getattr(instance, name) for name in names}


def apply_changes(instance: Any, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set each attribute to its value; return (old, new) holding only the attributes that changed."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in values.items():
        current = getattr(instance, name)
        if current != value:
            old[name], new[name] = current, value
            setattr(instance, name, value)
    return old, new


Conflict = Callable[[], DomainError]


def taken_by_another(model: type, instance: Any, *conditions: sa.ColumnElement[bool]) -> bool:
    """Whether a row other than `instance` (None when creating) matches: a uniqueness check before saving."""
    query = sa.select(model.id).where(*conditions)
    if instance is not None:
        query = query.where(model.id != instance.id)
    return db.session.scalar(query.limit(1)) is not None


def commit_unique(conflict: Conflict | None = None) -> None:
    """Commit; when a concurrent request took the same unique value first, raise `conflict()` instead."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if conflict is None:
            raise
        raise conflict() from None


def create_recorded(
    actor: User | None,
    instance: Any,
    action: str,
    audited: Iterable[str],
    conflict: Conflict | None = None,
) -> Any:
    """Add a new row and its audit record (the `audited` attributes as `new`), then commit."""
    db.session.add(instance)
    db.session.flush()  # the audit record needs the new id
    audit.record(actor, action, instance, new=snapshot(instance, audited))
    commit_unique(conflict)
    return instance


def save_changes(
    actor: User | None,
    instance: Any,
    action: str,
    values: Mapping[str, Any],
    conflict: Conflict | None = None,
) -> Any:
    """Apply `values`, audit what changed (nothing is recorded when nothing changed), then commit."""
    old, new = apply_changes(instance, values)
    if new:
        audit.record(actor, action, instance, old=old, new=new)
    commit_unique(conflict)
    return instance
