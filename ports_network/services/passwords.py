"""Password hashing with Argon2id (argon2-cffi); parameters upgrade transparently on the next sign-in."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

# RFC 9106's second recommended option; tests use a cheap profile so the suite stays fast.
_STRONG = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
_FAST = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("ARGON2_FAST"):
        return _FAST
    return _STRONG


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; False (never an exception) for a missing or malformed hash."""
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than the current ones."""
    return _hasher().check_needs_rehash(stored_hash)
