"""The confirmation migration: accounts that exist before it must confirm, and are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_migrate import upgrade

from skillsreg.accounts import confirmation
from skillsreg.accounts.models import User
from skillsreg.app import create_app
from skillsreg.extensions import db

BEFORE = "11b2a2700004"


def test_accounts_made_before_the_migration_are_unconfirmed_and_never_purged(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (email, name, organisation, sector, job_title, web_groups,"
                    " password_hash, role, login_id, is_demo, created_at)"
                    " VALUES ('old@example.gov.uk', 'Old Member', 'Council', 'public', 'Editor',"
                    " '[]', 'x', 'member', 'login-old', false, :at)"
                ),
                {"at": long_ago},
            )
        upgrade()
        user = db.session.scalar(sa.select(User).where(User.email == "old@example.gov.uk"))
        assert not user.is_confirmed
        assert user.predates_confirmation
        now = long_ago + timedelta(days=3650)
        assert confirmation.purge_unconfirmed_accounts(now=now, days=30) == 0
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_demo_accounts_are_confirmed(db):
    from skillsreg.core.demo import DEMO_ACCOUNTS, load_demo_accounts

    created = load_demo_accounts()
    assert created == [account["email"] for account in DEMO_ACCOUNTS]
    users = db.session.scalars(sa.select(User).where(User.email.in_(created))).all()
    assert len(users) == len(DEMO_ACCOUNTS)
    assert all(user.is_confirmed for user in users)
