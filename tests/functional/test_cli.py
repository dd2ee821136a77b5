"""Thin commands over services: `flask seed demo`, `flask jobs run-due`, and the in-process scheduler."""

import time

import sqlalchemy as sa

from ports_network.extensions import db
from ports_network.index_engine import default_methodology, dump_methodology
from ports_network.models import (
    AuditEvent,
    CommunityRole,
    Country,
    MailStatus,
    Membership,
    MethodologyVersion,
    OutboxMail,
    Phase,
    Port,
    PortCommunity,
    User,
)
from ports_network.services import jobs, mail


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_loads_the_real_network_and_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    models = (Country, Port, PortCommunity, User, Membership, MethodologyVersion, AuditEvent)
    counts = {model: _count(model) for model in models}
    checksum = db.session.scalar(sa.select(MethodologyVersion.checksum))

    second = runner.invoke(args=["seed", "demo"])

    assert "0 rows created" in second.output
    assert {model: _count(model) for model in counts} == counts
    # The 13 countries with ports, and the 14 other SELA member states (counted by the event statistics).
    assert counts[Country] == 27 and counts[PortCommunity] == 28
    with_ports = sa.select(sa.func.count(sa.distinct(PortCommunity.country_id)))
    assert db.session.scalar(with_ports) == 13
    assert db.session.scalar(sa.select(MethodologyVersion.checksum)) == checksum
    phase_three = db.session.scalars(sa.select(PortCommunity.slug).where(PortCommunity.phase == Phase.III))
    assert set(phase_three) == {
        "lazaro-cardenas",
        "kingston",
        "point-lisas",
        "barranquilla",
        "buenos-aires",
        "santa-catarina",
    }
    assert db.session.scalar(sa.select(Port.unlocode).where(Port.name == "Callao")) == "PECLL"
    assert "coordinator.callao@demo.puertos.example" in first.output


def test_seed_gives_every_community_role_a_demo_account(app):
    app.test_cli_runner().invoke(args=["seed", "demo"])
    roles = set(db.session.scalars(sa.select(Membership.role)))
    assert roles == set(CommunityRole)
    assert db.session.scalar(sa.select(sa.func.count()).where(User.is_secretariat.is_(True))) == 1


def test_seed_refuses_to_create_demo_accounts_in_production(app):
    app.config["CONFIG_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
    finally:
        app.config["CONFIG_NAME"] = "testing"
    assert result.exit_code != 0
    assert _count(User) == 0


def test_jobs_run_due_sends_the_outbox(app):
    mail.queue_mail("someone@example.org", "Convocation", "Body")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["jobs", "run-due"])

    assert result.exit_code == 0
    assert "mail.send_outbox" in result.output
    assert db.session.scalar(sa.select(OutboxMail.status)) == MailStatus.SENT


def test_in_process_scheduler_sends_queued_mail_without_any_command(app):
    mail.queue_mail("someone@example.org", "Convocation", "Body")
    db.session.commit()
    app.config["SCHEDULER_INTERVAL_SECONDS"] = 0.05
    thread = jobs.start_in_process_scheduler(app)
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.scalar(sa.select(OutboxMail.status)) == MailStatus.SENT:
                break
            time.sleep(0.05)
    finally:
        thread.stop.set()
        thread.join(timeout=5)
        app.config["SCHEDULER_INTERVAL_SECONDS"] = 30
    assert db.session.scalar(sa.select(OutboxMail.status)) == MailStatus.SENT


def test_seed_demo_imports_and_freezes_the_default_methodology_2_0(app):
    app.test_cli_runner().invoke(args=["seed", "demo"])

    version = db.session.scalar(sa.select(MethodologyVersion))
    assert (version.version, version.is_frozen) == ("2.0", True)
    assert version.document == dump_methodology(default_methodology())
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"methodology.import", "methodology.freeze"} <= actions
