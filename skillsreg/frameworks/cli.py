"""`flask frameworks ...`: import, export and compare framework versions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.extensions import db
from skillsreg.frameworks import services
from skillsreg.frameworks.document import DocumentInvalid
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.frameworks.rules import render_changes_text

frameworks_cli = AppGroup("frameworks", help="Import, export and compare skills frameworks.")


@frameworks_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import a framework version from a YAML or JSON file; nothing is written if it has errors."""
    try:
        outcome = services.import_file(path, now=utcnow())
    except DocumentInvalid as invalid:
        db.session.rollback()
        lines = "\n".join(f"  {error}" for error in invalid.errors)
        raise click.ClickException(
            f"{path} was not imported: {len(invalid.errors)} problem(s)\n{lines}"
        ) from None
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(outcome.message)


def _version(slug: str, number: str) -> FrameworkVersion:
    framework = services.find_framework(slug)
    if framework is None:
        raise click.ClickException(f"There is no framework {slug}")
    version = (
        services.latest_published(framework)
        if number == "latest"
        else services.find_version(framework, number)
    )
    if version is None:
        raise click.ClickException(f"Framework {slug} has no version {number}")
    return version


@frameworks_cli.command("export")
@click.argument("slug")
@click.argument("version")
@click.option(
    "--format", "fmt", type=click.Choice(services.EXPORT_FORMATS), default="yaml", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_command(slug: str, version: str, fmt: str, output: Path | None) -> None:
    """Export a version as YAML, JSON, CSV or a CASE 1.1 CFPackage."""
    text = services.export_version(
        _version(slug, version), fmt, base_url=current_app.config["BASE_URL"]
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Wrote {output}", err=True)


@frameworks_cli.command("diff")
@click.argument("slug")
@click.argument("old")
@click.argument("new")
def diff_command(slug: str, old: str, new: str) -> None:
    """Print the typed changes between two versions of a framework."""
    try:
        changes = services.diff_versions(_version(slug, old), _version(slug, new))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(render_changes_text(changes), nl=False)
