"""The administration's dashboard, audit log and mail outbox."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...extensions import db
from ...models import MailStatus, OutboxMail
from ...security import requires
from ...services import admin, audit, mail
from . import bp
from .crud import ACCESS

OUTBOX = "mail.view_outbox"


@bp.get("/")
@requires(ACCESS)
def index():
    """Dashboard: what the network holds and what waits for the Secretariat."""
    return render_template("admin/index.html", figures=admin.dashboard())


@bp.get("/audit")
@requires(ACCESS)
def audit_log():
    """Every recorded change, newest first, with who made it and the values before and after."""
    return render_template("admin/audit.html", entries=audit.entries())


@bp.get("/outbox")
@requires(OUTBOX)
def outbox():
    """Mail kept for sending: status, attempts and last error of each message."""
    return render_template("admin/outbox.html", messages=mail.outbox())


@bp.get("/outbox/<int:message_id>")
@requires(OUTBOX)
def outbox_message(message_id: int):
    """One message's full text."""
    return render_template("admin/outbox_message.html", message=db.get_or_404(OutboxMail, message_id))


@bp.post("/outbox/<int:message_id>/retry")
@requires(OUTBOX)
def retry_mail(message_id: int):
    """Put a message that failed for good back in the queue."""
    message = db.get_or_404(OutboxMail, message_id)
    if message.status != MailStatus.FAILED:
        flash(_("Only messages that failed can be sent again."), "error")
    else:
        mail.retry(message)
        flash(_("The message will be sent again shortly."), "success")
    return redirect(url_for(".outbox_message", message_id=message.id))
