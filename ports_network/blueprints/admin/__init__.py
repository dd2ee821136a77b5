"""The Technical Secretariat's administration of the network."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
