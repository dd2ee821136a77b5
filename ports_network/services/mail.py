"""Mail: messages are queued in the outbox inside the caller's transaction and sent by a retrying job."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from ..extensions import db
from ..models import MailStatus, OutboxMail
from ..models.base import utcnow

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
BATCH_SIZE = 100


@dataclass(frozen=True)
class Attachment:
    """A small text attachment, such as an iCalendar invitation."""

    filename: str
    content_type: str
    body: str


def queue_mail(recipient: str, subject: str, body: str, attachment: Attachment | None = None) -> OutboxMail:
    """Add a message to the outbox; it is sent after the caller commits, by `send_due`."""
    mail = OutboxMail(recipient=recipient, subject=subject[:250], body=body)
    if attachment is not None:
        mail.attachment_name = attachment.filename
        mail.attachment_type = attachment.content_type
        mail.attachment_body = attachment.body
    db.session.add(mail)
    return mail


def queue_templated(
    recipient: str, locale: str, template: str, attachment: Attachment | None = None, **context
) -> OutboxMail:
    """Render `mail/<template>.txt` in the recipient's language (first line is the subject) and queue it."""
    # Rendered straight from the Jinja environment, without the page context processors: mail is also
    # queued from jobs and the CLI, where there is no request, no signed-in user and no page globals.
    with force_locale(locale):
        text = current_app.jinja_env.get_template(f"mail/{template}.txt").render(**context)
    subject, _, body = text.strip().partition("\n")
    return queue_mail(recipient, subject.strip(), body.strip() + "\n", attachment)


@dataclass
class SendReport:
    """What one pass of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0


def send_due(now: datetime | None = None) -> SendReport:
    """Try every pending message whose time has come; commit after each so nothing is sent twice."""
    now = now or utcnow()
    report = SendReport()
    due = db.session.scalars(
        sa.select(OutboxMail)
        .where(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.id)
        .limit(BATCH_SIZE)
    ).all()
    for mail in due:
        _attempt(mail, now, report)
        db.session.commit()
    return report


def _attempt(mail: OutboxMail, now: datetime, report: SendReport) -> None:
    mail.attempts += 1
    try:
        deliver(mail)
    except Exception as error:  # whatever failed (network, address, encoding): record it, retry later
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            mail.status = MailStatus.FAILED
            report.failed += 1
            logger.error("mail %s to %s failed for good: %s", mail.id, mail.recipient, mail.last_error)
        else:
            mail.next_attempt_at = now + min(timedelta(minutes=2**mail.attempts), MAX_BACKOFF)
            report.retried += 1
            logger.warning(
                "mail %s to %s not sent (attempt %s): %s",
                mail.id,
                mail.recipient,
                mail.attempts,
                mail.last_error,
            )
        return
    mail.status = MailStatus.SENT
    mail.sent_at = now
    mail.last_error = None
    report.sent += 1


def retry(mail: OutboxMail) -> None:
    """Put a failed message back in the queue (from the outbox page)."""
    mail.status = MailStatus.PENDING
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    db.session.commit()


def build_message(mail: OutboxMail) -> EmailMessage:
    """The RFC 5322 message for an outbox row."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    if mail.attachment_body is not None:
        maintype, _, subtype = (mail.attachment_type or "text/plain").partition("/")
        message.add_attachment(
            mail.attachment_body.encode(), maintype=maintype, subtype=subtype, filename=mail.attachment_name
        )
    return message


def deliver(mail: OutboxMail) -> None:
    """Hand one message to the configured backend: the console log or SMTP."""
    message = build_message(mail)
    if current_app.config["MAIL_BACKEND"] == "console":
        logger.info("mail to %s\n%s", mail.recipient, message.as_string())
        return
    _send_smtp(message)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def outbox(limit: int = 200) -> list[OutboxMail]:
    """The newest outbox messages, for the administrators' outbox page."""
    return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)))
