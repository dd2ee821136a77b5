"""PLACEHOLDER - being written."""
from . import bp
@bp.get("/")
def profile(): return "profile"
