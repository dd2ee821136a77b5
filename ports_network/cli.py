"""Thin Click commands over the services: `flask seed demo`, `flask jobs run-due`, `flask index ...`."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from .errors import DomainError

seed_cli = AppGroup("seed", help="Load data.")
jobs_cli = AppGroup("jobs", help="Scheduled work.")
index_cli = AppGroup("index", help="Competitiveness index: methodology versions, computing on files.")
FILE = click.Path(dir_okay=False, path_type=Path)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Show a service's refusal as a one-line (or listed) error and exit 1, never as a traceback."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from None


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


@index_cli.command("import-methodology")
@click.argument("file", type=FILE)
@click.option("--freeze", is_flag=True, help="Freeze the version after importing it: it never changes again.")
def import_methodology_command(file: Path, freeze: bool) -> None:
    """Import a methodology version from a JSON or YAML FILE (a draft is replaced; a frozen one refused)."""
    from .services import methodologies

    with domain_errors():
        row = methodologies.import_methodology(file, freeze=freeze)
    click.echo(f"methodology {row.version} imported ({row.status.value}), sha256 {row.checksum}")


@index_cli.command("freeze-methodology")
@click.argument("version")
def freeze_methodology_command(version: str) -> None:
    """Freeze draft methodology VERSION: from then on it never changes."""
    from .services import methodologies

    with domain_errors():
        row = methodologies.freeze(None, methodologies.get(version))
    click.echo(f"methodology {row.version} frozen, sha256 {row.checksum}")


@index_cli.command("export-methodology")
@click.argument("version")
@click.option("--out", type=FILE, help="File to write (default: standard output).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["json", "yaml"]),
    help="Default: yaml when --out ends in .yaml or .yml, else json.",
)
def export_methodology_command(version: str, out: Path | None, file_format: str | None) -> None:
    """Write methodology VERSION as a JSON or YAML file that import-methodology reads back."""
    from .index_engine import format_methodology
    from .services import methodologies

    with domain_errors():
        document = methodologies.export_methodology(methodologies.get(version))
    if file_format is None:
        file_format = "yaml" if out is not None and out.suffix.lower() in (".yaml", ".yml") else "json"
    text = format_methodology(document, yaml_format=file_format == "yaml")
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"{out}: cannot be written ({error.strerror})") from None
    click.echo(f"methodology {version} written to {out} ({file_format})")


@index_cli.command("list-methodologies")
def list_methodologies_command() -> None:
    """Show every stored methodology version with its status and checksum."""
    from .services import methodologies

    for row in methodologies.all_versions():
        frozen = row.frozen_at.strftime("%Y-%m-%d %H:%M") if row.frozen_at else "-"
        click.echo(f"{row.version:12} {row.status.value:7} {frozen:17} {row.checksum[:12]}  {row.title}")


@index_cli.command("compute")
@click.option("--methodology", "version", required=True, help="A stored methodology version, e.g. 2.0.")
@click.option(
    "--values", "values_file", type=FILE, required=True, help="CSV: community,period,indicator,value."
)
@click.option("--out", type=FILE, required=True, help="CSV to write: one row per community, period and code.")
@click.option("--peer-groups", type=FILE, help="CSV: community,group (adds peer-group medians).")
@click.option(
    "--draws",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Monte-Carlo draws: adds median_rank, rank_low, rank_high to the composite's rows (0: none).",
)
@click.option("--seed", type=int, help="Seed of the Monte-Carlo draws (default: that of the stored runs).")
def compute_command(
    version: str, values_file: Path, out: Path, *, peer_groups: Path | None, draws: int, seed: int | None
) -> None:
    """Score a CSV of values with a stored methodology version and write the scores as CSV."""
    from .services.index_files import compute_files
    from .services.index_results import DEFAULT_SEED

    seed = DEFAULT_SEED if seed is None else seed
    with domain_errors():
        summary = compute_files(version, values_file, out, peer_groups, draws=draws, seed=seed)
    state = "frozen" if summary.frozen else "draft"
    click.echo(
        f"methodology {summary.version} ({state}): {summary.communities} communities, "
        f"{summary.periods} periods, {summary.rows_written} rows written to {out}"
    )
    if summary.not_computed:
        click.echo(f"composite not computed (too little data) for {summary.not_computed} community-periods")


def _run_line(run: Any) -> str:
    periods = ", ".join(run.periods)
    return (
        f"run {run.id} of methodology {run.methodology_version.version} ({run.reason}): "
        f"periods {periods}; {run.draws} Monte-Carlo draws; {run.duration_ms} ms"
    )


@index_cli.command("recompute")
@click.option("--methodology", "version", required=True, help="A frozen methodology version, e.g. 2.0.")
def recompute_command(version: str) -> None:
    """Score the whole published history under a methodology version (earlier runs are kept)."""
    from .services import index_results

    with domain_errors():
        run = index_results.recompute_history(None, version)
    click.echo(_run_line(run))


@index_cli.command("publish")
@click.argument("call_id", type=int)
def publish_command(call_id: int) -> None:
    """Publish the accepted submissions of data call CALL_ID and compute the index."""
    from .extensions import db
    from .models import DataCall
    from .services import index_results

    call = db.session.get(DataCall, call_id)
    if call is None:
        raise click.ClickException(f"there is no data call {call_id}")
    with domain_errors():
        run = index_results.publish(None, call)
    click.echo(f"data call {call_id} ({call.period}) published; {_run_line(run)}")


def register_commands(app: Flask) -> None:
    """Attach the command groups to `flask`."""
    app.cli.add_command(seed_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(index_cli)
