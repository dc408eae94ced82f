"""Fixtures of the register tests: people who agreed to publish some of their details."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skillsreg.accounts.models import User
from skillsreg.core.db import utcnow
from skillsreg.register import services


@pytest.fixture
def consenting(db: Any, create_user: Callable[..., User]) -> Callable[..., User]:
    """Make a member who agreed to publish the given fields."""

    def make(*fields: str, **overrides: Any) -> User:
        user = create_user(**overrides)
        services.set_consents(user, fields=fields, source="test", now=utcnow())
        db.session.commit()
        return user

    return make
