"""HTTP and Socket.IO adapters, one package per feature."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Mount every feature blueprint (and the rooms' Socket.IO handlers)."""
    from .account import bp as account
    from .admin import bp as admin
    from .auth import bp as auth
    from .communities import bp as communities
    from .directory import bp as directory
    from .files import bp as files
    from .main import bp as main
    from .notifications import bp as notifications
    from .rooms import bp as rooms
    from .rooms.events import register_events as register_room_events

    app.register_blueprint(main)
    app.register_blueprint(auth, url_prefix="/auth")
    app.register_blueprint(account, url_prefix="/account")
    app.register_blueprint(communities, url_prefix="/communities")
    app.register_blueprint(directory, url_prefix="/directory")
    app.register_blueprint(notifications, url_prefix="/notifications")
    app.register_blueprint(files, url_prefix="/files")
    app.register_blueprint(rooms, url_prefix="/rooms")
    register_room_events()
    app.register_blueprint(admin, url_prefix="/admin")
