"""Configuration: production refuses to start without its secrets; cookies are hardened."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import DEVELOPMENT_SECRET_KEY, engine_options
from ports_network import create_app

ROOT = Path(__file__).resolve().parents[2]


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


def _start_production_in_a_new_process(tmp_path, secret_key: str) -> subprocess.CompletedProcess:
    # The settings are in the environment before config.py is imported, as under gunicorn.
    env = {**os.environ, "SECRET_KEY": secret_key, "DATABASE_URL": "sqlite://"}
    env["INSTANCE_PATH"] = str(tmp_path)
    code = "from ports_network import create_app; create_app('production')"
    command = [sys.executable, "-c", code]
    return subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_starts_with_a_long_secret_key_set_before_import(tmp_path):
    result = _start_production_in_a_new_process(tmp_path, "k" * 48)
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_development_secret_key(tmp_path):
    result = _start_production_in_a_new_process(tmp_path, DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_connections_are_pinged_at_checkout_on_a_database_server_only():
    assert engine_options("postgresql+psycopg://postgres@db/ports") == {"pool_pre_ping": True}
    assert engine_options("sqlite:///instance/ports_network.sqlite3") == {"pool_pre_ping": False}
