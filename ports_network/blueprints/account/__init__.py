"""A person's own profile, privacy, data export and account deletion."""

from flask import Blueprint

from ...services.accounts import display_name

bp = Blueprint("account", __name__)

# `{{ user|display_name }}` shows "Deleted member" (translated) for deleted accounts, on every page.
bp.app_template_filter("display_name")(display_name)

from . import routes, tokens  # noqa: E402,F401 - registers the views on bp
