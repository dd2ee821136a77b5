"""Thin Click commands over the services: `flask seed demo`, `flask jobs run-due`, `flask users ...`."""

from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Load data.")
jobs_cli = AppGroup("jobs", help="Scheduled work.")


@seed_cli.command("demo")
@click.option("--force", is_flag=True, help="Allow seeding demo accounts in production.")
def seed_demo_command(force: bool) -> None:
    """Load the real network (countries, ports, communities, organisations) and demo accounts."""
    from flask import current_app

    from .services.seed import demo_logins, seed_demo

    if current_app.config.get("CONFIG_NAME") == "production" and not force:
        raise click.ClickException(
            "refusing to create demo accounts with a production configuration (use --force)"
        )
    report = seed_demo()
    click.echo(f"demo data: {report.created} rows created")
    for email, password, role in demo_logins():
        click.echo(f"  {email:45} {password:20} {role}")


@jobs_cli.command("run-due")
def run_due_command() -> None:
    """Run every scheduled job that is due (call from cron every minute)."""
    from .services.jobs import run_due

    ran = run_due()
    click.echo(f"ran: {', '.join(ran) if ran else 'nothing due'}")


@jobs_cli.command("list")
def list_jobs_command() -> None:
    """Show every scheduled job: its interval, when it last ran, and its last error."""
    from .services.jobs import status

    click.echo(f"{'job':34} {'every':>10}  {'last started (UTC)':20} {'last finished (UTC)':20} last error")
    for job in status():
        started = job.last_started_at.strftime("%Y-%m-%d %H:%M:%S") if job.last_started_at else "never"
        finished = job.last_finished_at.strftime("%Y-%m-%d %H:%M:%S") if job.last_finished_at else "-"
        error = (job.last_error or "-").splitlines()[0][:80]
        click.echo(f"{job.name:34} {_interval(job.every):>10}  {started:20} {finished:20} {error}")


def _interval(every: timedelta) -> str:
    """A short interval such as 1m, 1h, 1d."""
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def register_commands(app: Flask) -> None:
    """Attach the command groups to `flask`."""
    app.cli.add_command(seed_cli)
    app.cli.add_command(jobs_cli)
