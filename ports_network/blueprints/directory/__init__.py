"""Directories of members of a community and of the network."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from . import routes  # noqa: E402,F401 - registers the views on bp
