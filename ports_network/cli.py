"""Thin Click commands over the services: `flask seed demo`, `flask jobs run-due`, `flask users ...`."""

import click
from flask import Flask
from flask.cli import AppGroup

seed_cli = AppGroup("seed", help="Load data.")
jobs_cli = AppGroup("jobs", help="Scheduled work.")


@seed_cli.command("demo")
@click.option("--force", is_flag=True, help="Allow seeding demo accounts in production.")
def seed_demo_command(force: bool) -> None:
    """Load the real network (countries, ports, communities, organisations) and demo accounts."""
    from flask import current_app  # noqa: PLC0415

    from .services.seed import demo_logins, seed_demo  # noqa: PLC0415

    if current_app.config.get("CONFIG_NAME") == "production" and not force:
        raise click.ClickException("refusing to create demo accounts with a production configuration (use --force)")
    report = seed_demo()
    click.echo(f"demo data: {report.created} rows created")
    for email, password, role in demo_logins():
        click.echo(f"  {email:45} {password:20} {role}")


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
