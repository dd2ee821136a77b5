"""Cleaning what people type into one-line fields and web links, with the same rules on every form."""

from urllib.parse import urlsplit

from ..errors import DomainError

MAX_LINK = 500
WEB_SCHEMES = frozenset({"http", "https"})
HTTPS_ONLY = frozenset({"https"})


def one_line(value: str | None) -> str:
    """The text on one line: runs of spaces, tabs and line breaks become one space, ends trimmed."""
    return " ".join((value or "").split())


def bounded_line(value: str | None, limit: int, field: str, message: str) -> str | None:
    """The text on one line, or None when empty; longer than `limit` is refused with `message`."""
    text = one_line(value)
    if len(text) > limit:
        raise DomainError(message, field=field)
    return text or None


def web_link(
    value: str | None, field: str, message: str, schemes: frozenset[str] = WEB_SCHEMES
) -> str | None:
    """A web address with a host, or None when empty; anything else (spaces, control characters, another
    scheme, longer than MAX_LINK) is refused with `message`."""
    link = (value or "").strip()
    if not link:
        return None
    parts = urlsplit(link)
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or len(link) > MAX_LINK
        or any(ch.isspace() or not ch.isprintable() for ch in link)
    ):
        raise DomainError(message, field=field)
    return link
