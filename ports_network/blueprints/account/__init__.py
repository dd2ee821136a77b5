"""A person's own profile, privacy, data export and account deletion."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
