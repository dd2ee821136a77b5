"""PLACEHOLDER - being written."""
from . import bp
@bp.get("/")
def index(): return "notifications"
@bp.get("/preferences")
def preferences(): return "preferences"
