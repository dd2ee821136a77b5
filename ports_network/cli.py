"""Thin Click commands over the services: `flask seed demo`, `flask jobs run-due`, `flask users ...`."""

import click
from flask import Flask
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Load data.")
jobs_cli = AppGroup("jobs", help="Scheduled work.")


@jobs_cli.command("run-due")
def run_due_command() -> None:
    """Run every scheduled job that is due (call from cron every minute)."""
    from .services.jobs import run_due  # noqa: PLC0415

    ran = run_due()
    click.echo(f"ran: {', '.join(ran) if ran else 'nothing due'}")


def register_commands(app: Flask) -> None:
    """Attach the command groups to `flask`."""
    app.cli.add_command(seed_cli)
    app.cli.add_command(jobs_cli)
