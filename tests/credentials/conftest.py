"""Fixtures for credentials: a signing key in the app's settings, a framework, an attendee."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator, FormatChecker

from skillsreg.core.db import utcnow
from skillsreg.credentials import services
from skillsreg.credentials.keys import generate_key
from skillsreg.frameworks import services as framework_services
from skillsreg.workshops.models import (
    Choice,
    ChoiceStatus,
    ExpressionOfInterest,
    Workshop,
    WorkshopStatus,
)
from tests.frameworks.test_document import make_doc

SCHEMA = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential.schema.json"


@pytest.fixture(scope="session")
def signing_jwks() -> dict[str, Any]:
    return {"keys": [generate_key()]}


@pytest.fixture(autouse=True)
def signing_key(app, signing_jwks):
    """The app signs with a key made for this test run, given as CREDENTIALS_SIGNING_KEYS."""
    before = app.config.get("CREDENTIALS_SIGNING_KEYS")
    app.config["CREDENTIALS_SIGNING_KEYS"] = json.dumps(signing_jwks)
    yield signing_jwks
    app.config["CREDENTIALS_SIGNING_KEYS"] = before


@pytest.fixture
def signer(app, db):
    return services.signer_from_config(app.config)


@pytest.fixture
def version(db):
    return framework_services.import_document(
        make_doc(), filename="framework.yaml", now=utcnow()
    ).version


@pytest.fixture
def attended_workshop(db, member, organiser, version):
    """A workshop last week on two of the framework's skills, which the member attended."""
    now = utcnow()
    workshop = Workshop(
        title="Accessible content workshop",
        slug="accessible-content",
        description="Writing and testing accessible pages.",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=6),
        closes_at=now - timedelta(days=14),
        venue="Leeds Central Library",
        capacity=20,
        status=WorkshopStatus.PUBLISHED,
        target_version_id=version.id,
        target_skill_codes=["CODS", "ACCS"],
        created_by_id=organiser.id,
    )
    eoi = ExpressionOfInterest(user_id=member.id, submitted_at=now - timedelta(days=20))
    db.session.add_all([workshop, eoi])
    db.session.flush()
    db.session.add(
        Choice(
            eoi_id=eoi.id,
            workshop_id=workshop.id,
            rank=1,
            status=ChoiceStatus.ACCEPTED,
            attended=True,
            attendance_recorded_at=now - timedelta(days=6),
        )
    )
    db.session.flush()
    db.session.refresh(workshop)
    return workshop


@pytest.fixture
def issued(attended_workshop, member, organiser, signer):
    return services.issue_attendance_credential(
        attended_workshop, member, signer=signer, actor=organiser, now=utcnow()
    )


@pytest.fixture(scope="session")
def ob3_validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA.read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FormatChecker())
