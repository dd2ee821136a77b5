"""Configuration classes chosen by FLASK_CONFIG; secrets and site settings come from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def engine_options(database_url: str) -> dict:
    """SQLAlchemy engine settings for a database URL."""
    # A server database can drop an idle connection, hence a ping at checkout; a SQLite file cannot, and
    # there the ping would only add a statement to every checkout (two for each message sent in a room).
    return {"pool_pre_ping": not database_url.startswith("sqlite")}


MIN_SECRET_KEY_LENGTH = 32
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment; the embedded default needs no external service."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'ports_network.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("REDIS_URL")

    BABEL_DEFAULT_LOCALE = "es"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("es", "en", "pt")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long form is never lost to expiry

    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour")
    ROOMS_RATE_LIMIT = os.environ.get("ROOMS_RATE_LIMIT", "20 per 10 seconds")  # messages per person
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")  # JSON API requests per person
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    EMAIL_TOKEN_MAX_AGE = _env_int("EMAIL_TOKEN_MAX_AGE", 60 * 60 * 48)
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 60 * 60 * 2)
    INVITATION_MAX_AGE = _env_int("INVITATION_MAX_AGE", 60 * 60 * 24 * 14)

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if os.environ.get("MAIL_SERVER") else "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Red de Puertos D&C <no-reply@localhost>")
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000")

    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    STORAGE_LOCAL_ROOT = os.environ.get("STORAGE_LOCAL_ROOT", str(INSTANCE_DIR / "uploads"))
    STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL")
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "us-east-1")
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 64 * 1024 * 1024)
    IMAGE_MAX_BYTES = _env_int("IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    IMAGE_MAX_PIXELS = _env_int("IMAGE_MAX_PIXELS", 24_000_000)
    # The materials library's limits per kind of file (a request is also capped by MAX_CONTENT_LENGTH).
    MATERIALS_DOCUMENT_MAX_BYTES = _env_int("MATERIALS_DOCUMENT_MAX_BYTES", 60 * 1024 * 1024)
    MATERIALS_IMAGE_MAX_BYTES = _env_int("MATERIALS_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
    MATERIALS_VIDEO_MAX_BYTES = _env_int("MATERIALS_VIDEO_MAX_BYTES", 60 * 1024 * 1024)
    # Files up to this size have their text indexed while the upload waits; larger ones by a job.
    MATERIALS_INLINE_INDEX_BYTES = _env_int("MATERIALS_INLINE_INDEX_BYTES", 1024 * 1024)

    SCHEDULER_ENABLED = _env_bool("SCHEDULER_ENABLED", False)
    SCHEDULER_INTERVAL_SECONDS = _env_int("SCHEDULER_INTERVAL_SECONDS", 30)

    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "threading")
    # The Redis pub/sub channel of the Socket.IO message queue: one per deployment sharing a Redis server
    # (pub/sub ignores the database number, so two deployments on one channel would mix their rooms).
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    SOCKETIO_CORS_ALLOWED_ORIGINS = [
        o for o in os.environ.get("SOCKETIO_CORS_ALLOWED_ORIGINS", "").split(",") if o
    ]


class DevelopmentConfig(Config):
    """Local development: debug on, in-process scheduler, mail printed to the console."""

    CONFIG_NAME = "development"
    DEBUG = True
    SCHEDULER_ENABLED = _env_bool("SCHEDULER_ENABLED", True)


class TestingConfig(Config):
    """Tests: CSRF stays on (the test client knows it); fast hashing; no background threads."""

    CONFIG_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("TEST_REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    MAIL_BACKEND = "console"
    SCHEDULER_ENABLED = False
    ARGON2_FAST = True


class ProductionConfig(Config):
    """Production: secure cookies; refuses to start without real secrets (checked in create_app)."""

    CONFIG_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    REQUIRED_SETTINGS = ("SECRET_KEY", "DATABASE_URL")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def missing_production_settings() -> list[str]:
    """Names of required production environment variables that are unset or left at a development value."""
    missing = [name for name in ProductionConfig.REQUIRED_SETTINGS if not os.environ.get(name)]
    secret = os.environ.get("SECRET_KEY")
    if secret and (secret == DEVELOPMENT_SECRET_KEY or len(secret) < MIN_SECRET_KEY_LENGTH):
        missing.append("SECRET_KEY (at least 32 random characters)")
    return missing
