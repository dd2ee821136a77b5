"""HTTP and Socket.IO adapters, one package per feature."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Mount every feature blueprint (and the Socket.IO handlers of rooms and live sessions)."""
    from .account import bp as account
    from .action_items import bp as action_items
    from .admin import bp as admin
    from .api import bp as api
    from .api import docs_bp as api_docs
    from .auth import bp as auth
    from .committees import bp as committees
    from .committees.live_events import register_events as register_session_events
    from .communities import bp as communities
    from .directory import bp as directory
    from .events import bp as events
    from .files import bp as files
    from .main import bp as main
    from .materials import bp as materials
    from .minutes import bp as minutes
    from .notifications import bp as notifications
    from .results import bp as results
    from .rooms import bp as rooms
    from .rooms.events import register_events as register_room_events
    from .submissions import bp as submissions

    app.register_blueprint(main)
    app.register_blueprint(auth, url_prefix="/auth")
    app.register_blueprint(account, url_prefix="/account")
    app.register_blueprint(communities, url_prefix="/communities")
    app.register_blueprint(committees, url_prefix="/committees")
    app.register_blueprint(minutes, url_prefix="/committees")
    app.register_blueprint(action_items)  # its routes carry their own /committees, /communities prefixes
    app.register_blueprint(events)  # its rules carry their paths: /events/... and the feed /events.ics
    app.register_blueprint(directory, url_prefix="/directory")
    app.register_blueprint(notifications, url_prefix="/notifications")
    app.register_blueprint(files, url_prefix="/files")
    app.register_blueprint(materials, url_prefix="/materials")
    app.register_blueprint(rooms, url_prefix="/rooms")
    register_room_events()
    register_session_events()
    app.register_blueprint(submissions, url_prefix="/index")
    app.register_blueprint(results, url_prefix="/results")
    app.register_blueprint(admin, url_prefix="/admin")
    app.register_blueprint(api, url_prefix="/api/v1")
    app.register_blueprint(api_docs, url_prefix="/api")
