"""Public community pages, requests to join, invitations and member management."""

from flask import Blueprint

bp = Blueprint("communities", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
