"""Mail over real SMTP: a local aiosmtpd server receives what the outbox sends; an outage loses nothing."""

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from ports_network.extensions import db
from ports_network.models import MailStatus, OutboxMail
from ports_network.models.base import utcnow
from ports_network.services import mail

ICS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "SUMMARY:Regional meeting",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port(app, monkeypatch) -> int:
    """A free local port, with the app configured to send mail to it over SMTP."""
    chosen = free_port()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", chosen)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Red de Puertos D&C <no-reply@example.org>")
    return chosen


def start_server(port: int) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def server(port):
    controller, inbox = start_server(port)
    yield inbox
    controller.stop()


def queue_invitation() -> OutboxMail:
    queued = mail.queue_mail(
        "ana@example.org",
        "Invitation: VIII Regional Meeting, Veracruz",
        "You are invited to the VIII Regional Meeting of Port Logistics Communities.\n",
        mail.Attachment("invitation.ics", "text/calendar", ICS),
    )
    db.session.commit()
    return queued


def test_queued_message_is_delivered_to_the_smtp_server_with_its_attachment(server):
    queued = queue_invitation()
    report = mail.send_due()
    assert report.sent == 1
    assert queued.status == MailStatus.SENT and queued.attempts == 1 and queued.last_error is None

    ((recipients, raw),) = server.received
    assert recipients == ["ana@example.org"]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "ana@example.org"
    assert message["From"] == "Red de Puertos D&C <no-reply@example.org>"
    assert message["Subject"] == "Invitation: VIII Regional Meeting, Veracruz"
    assert "VIII Regional Meeting of Port Logistics Communities" in message.get_body(("plain",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert "SUMMARY:Regional meeting" in attachment.get_payload(decode=True).decode()


def test_message_waits_while_the_server_is_down_and_is_delivered_when_it_is_back(port):
    queued = queue_invitation()
    now = utcnow()

    report = mail.send_due(now)
    assert report.retried == 1 and report.sent == 0
    db.session.expire_all()
    waiting = db.session.get(OutboxMail, queued.id)
    assert waiting.status == MailStatus.PENDING
    assert waiting.attempts == 1
    assert waiting.last_error
    assert waiting.next_attempt_at > now

    controller, inbox = start_server(port)
    try:
        assert mail.send_due(now).sent == 0  # not due again before its backoff
        assert mail.send_due(waiting.next_attempt_at + timedelta(seconds=1)).sent == 1
    finally:
        controller.stop()
    db.session.expire_all()
    delivered = db.session.get(OutboxMail, queued.id)
    assert delivered.status == MailStatus.SENT
    assert delivered.attempts == 2
    assert delivered.last_error is None
    assert [recipients for recipients, _ in inbox.received] == [["ana@example.org"]]
