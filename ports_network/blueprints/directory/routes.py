"""PLACEHOLDER - being written."""
from . import bp
@bp.get("/")
def index(): return "directory"
