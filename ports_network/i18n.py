"""Language selection: the user's preference, else the session's choice, else the browser's."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale() -> str:
    """Locale for this request, always one of the configured LANGUAGES."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs render in an explicit locale (force_locale) or the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.preferred_locale in languages:
        return current_user.preferred_locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The active locale as a plain language code."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português"}
