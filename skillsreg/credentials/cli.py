"""`flask credentials ...`: verify a credential offline, make a signing key."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import requests
from flask import current_app
from flask.cli import AppGroup

from skillsreg.core.db import utcnow
from skillsreg.credentials import services
from skillsreg.credentials.keys import SigningKeyError, generate_key
from skillsreg.credentials.verification import verify_upload

credentials_cli = AppGroup("credentials", help="Open Badges credentials: keys and verification.")


def _read(source: str) -> bytes:
    """A file's bytes, or a URL's (http or https only)."""
    if source.startswith(("http://", "https://")):
        response = requests.get(source, timeout=10)
        response.raise_for_status()
        return response.content
    return Path(source).read_bytes()


def _published_jwks() -> dict[str, Any]:
    return services.signer_from_config(current_app.config).keys.public_jwks()


def _status_lists(status_list: str | None):
    def fetch(url: str) -> str | None:
        try:
            if status_list:
                return _read(status_list).decode().strip()
            signer = services.signer_from_config(current_app.config)
            if url == signer.status_list_url:
                return services.status_list_credential(signer, now=utcnow())
            return _read(url).decode().strip() if url.startswith("https://") else None
        except (OSError, requests.RequestException, SigningKeyError, UnicodeDecodeError):
            return None

    return fetch


@credentials_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--jwks",
    help="The issuer's JWK set: a file or URL. Default: the keys this service publishes.",
)
@click.option(
    "--status-list",
    help="The status list credential (a file or URL), for checking revocation offline.",
)
def verify_command(file: str, jwks: str | None, status_list: str | None) -> None:
    """Verify a credential: a JWT, a downloaded JSON file or a baked SVG or PNG badge."""
    upload = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    try:
        keys = json.loads(_read(jwks)) if jwks else _published_jwks()
    except (OSError, ValueError, requests.RequestException, SigningKeyError) as error:
        raise click.ClickException(f"The issuer's keys cannot be read: {error}") from None
    verdict = verify_upload(
        upload, jwks=keys, status_lists=_status_lists(status_list), now=utcnow()
    )
    for check in verdict.checks:
        click.echo(f"{'PASS' if check.passed else 'FAIL'}  {check.message}")
    click.echo(verdict.summary)
    if not verdict.is_valid:
        sys.exit(1)


@credentials_cli.command("generate-key")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JWK set to this file (mode 600) instead of printing it.",
)
@click.option("--if-missing", is_flag=True, help="Do nothing when the output file exists.")
def generate_key_command(output: Path | None, if_missing: bool) -> None:
    """Make a new Ed25519 signing key as a JWK set (see README: rotating keys)."""
    if output is not None and output.exists():
        if if_missing:
            return
        raise click.ClickException(f"{output} exists: keep it, or move it away first")
    text = json.dumps({"keys": [generate_key()]}, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.touch(mode=0o600)
    output.write_text(text)
    click.echo(f"Signing key written to {output}")
