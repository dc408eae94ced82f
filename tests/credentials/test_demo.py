"""Demo credentials: the demo member gets an attendance and a validated-level credential once."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.core.demo import load_demo_accounts, load_shipped_frameworks
from skillsreg.credentials import rules
from skillsreg.credentials.demo import load_demo_credentials
from skillsreg.credentials.keys import read_claims
from skillsreg.credentials.models import Credential, CredentialKind
from skillsreg.reviews.demo import load_demo_reviews


def test_demo_credentials_are_issued_once_and_valid(app, db, signer, ob3_validator):
    load_shipped_frameworks(Path(app.config["FRAMEWORKS_DIR"]))
    load_demo_accounts()
    load_demo_reviews(utcnow())
    assert load_demo_credentials(utcnow(), config=app.config) == 2
    assert load_demo_credentials(utcnow(), config=app.config) == 0
    credentials = db.session.scalars(sa.select(Credential).order_by(Credential.id)).all()
    assert [c.kind for c in credentials] == [CredentialKind.ATTENDANCE, CredentialKind.SKILL_LEVEL]
    assert credentials[0].is_public
    claims = [rules.credential_from_claims(read_claims(c.jwt)) for c in credentials]
    for credential in claims:
        ob3_validator.validate(credential)
    assert "reviewer" in claims[1]["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_without_a_signing_key_demo_credentials_are_skipped(app, db):
    load_shipped_frameworks(Path(app.config["FRAMEWORKS_DIR"]))
    load_demo_accounts()
    app.config["CREDENTIALS_SIGNING_KEYS"] = None
    assert load_demo_credentials(utcnow(), config=app.config) == 0
