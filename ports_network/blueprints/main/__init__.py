"""The public portal: home page, about the network, language switcher, health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
