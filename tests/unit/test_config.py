"""Configuration: production refuses to start without its secrets; cookies are hardened."""

import pytest

from ports_network import create_app


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_secret_key_and_database(production_env):
    with pytest.raises(RuntimeError, match=r"SECRET_KEY.*DATABASE_URL|DATABASE_URL.*SECRET_KEY"):
        create_app("production")


def test_production_refuses_a_short_secret_key(production_env):
    production_env.setenv("SECRET_KEY", "short")
    production_env.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app("production")


def test_production_cookies_are_secure_httponly_and_samesite(production_env):
    production_env.setenv("SECRET_KEY", "x" * 40)
    production_env.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
