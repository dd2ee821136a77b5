"""HTTP and Socket.IO adapters, one package per feature."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Mount every feature blueprint."""
    from .account import bp as account  # noqa: PLC0415
    from .admin import bp as admin  # noqa: PLC0415
    from .auth import bp as auth  # noqa: PLC0415
    from .communities import bp as communities  # noqa: PLC0415
    from .directory import bp as directory  # noqa: PLC0415
    from .files import bp as files  # noqa: PLC0415
    from .main import bp as main  # noqa: PLC0415
    from .notifications import bp as notifications  # noqa: PLC0415

    app.register_blueprint(main)
    app.register_blueprint(auth, url_prefix="/auth")
    app.register_blueprint(account, url_prefix="/account")
    app.register_blueprint(communities, url_prefix="/communities")
    app.register_blueprint(directory, url_prefix="/directory")
    app.register_blueprint(notifications, url_prefix="/notifications")
    app.register_blueprint(files, url_prefix="/files")
    app.register_blueprint(admin, url_prefix="/admin")
