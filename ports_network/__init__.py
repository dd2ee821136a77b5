"""The Ports Network platform: application factory."""

import logging
import os

from flask import Flask

from config import CONFIGS, missing_production_settings


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands, jobs."""
    config_name = config_name or os.environ.get("FLASK_CONFIG", "development")
    app = Flask(
        __name__, instance_path=os.environ.get("INSTANCE_PATH") or None, instance_relative_config=True
    )
    configure(app, config_name, overrides)
    register_extensions(app)
    register_request_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    start_scheduler(app)
    return app


def configure(app: Flask, config_name: str, overrides: dict) -> None:
    """Load the configuration class; production refuses to start without its secrets."""
    if config_name == "production" and (missing := missing_production_settings()):
        raise RuntimeError(f"refusing to start in production: set {', '.join(missing)}")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO if not app.testing else logging.WARNING)


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons of extensions.py."""
    from . import models  # noqa: F401 - registers every table before Migrate reads metadata
    from .database import tune_sqlite_connections
    from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
    from .i18n import select_locale

    tune_sqlite_connections()
    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=app.config["SOCKETIO_CORS_ALLOWED_ORIGINS"] or None,
    )


def register_request_hooks(app: Flask) -> None:
    """Sign-in loading, security headers, template globals."""
    from .web import register_request_hooks as register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Mount every feature's HTTP routes."""
    from .blueprints import register_blueprints as register

    register(app)


def register_error_handlers(app: Flask) -> None:
    """HTML/JSON error pages."""
    from .errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    """`flask seed`, `flask jobs`, `flask users` ..."""
    from .cli import register_commands as register

    register(app)


def start_scheduler(app: Flask) -> None:
    """In the embedded default, run scheduled jobs from a background thread."""
    from .services.jobs import start_in_process_scheduler

    if app.config["SCHEDULER_ENABLED"]:
        start_in_process_scheduler(app)
