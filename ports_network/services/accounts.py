"""PLACEHOLDER - being written: accounts service."""
from ..extensions import db
def set_preferred_locale(user, locale):
    user.preferred_locale = locale
    db.session.commit()
