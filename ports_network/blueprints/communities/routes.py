"""PLACEHOLDER - being written."""
from . import bp
@bp.get("/")
def index(): return "communities"
@bp.get("/<slug>")
def show(slug): return slug
