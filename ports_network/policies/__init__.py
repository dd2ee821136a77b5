"""The rules behind security.py's policy table, one module per feature, each with the SQL filters that
express the same rules for list queries. Code outside asks `security`, never these modules."""

from collections.abc import Callable
from typing import Any

Predicate = Callable[[Any, Any], bool]  # (user, obj) -> may they?
