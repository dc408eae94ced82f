"""Demonstration accounts and data for development; production never loads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillsreg.accounts.rules import Role, Sector
from skillsreg.accounts.services import find_user_by_email, register_user
from skillsreg.core.db import utcnow
from skillsreg.frameworks.services import import_file, shipped_files

DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {
        "email": "member@example.gov.uk",
        "password": "demo member password",
        "name": "Mina Member",
        "organisation": "Kirklees Council",
        "sector": Sector.PUBLIC,
        "job_title": "Web manager",
        "web_groups": ["web-manager", "content-manager"],
        "role": Role.MEMBER,
    },
    {
        "email": "organiser@example.gov.uk",
        "password": "demo organiser password",
        "name": "Oscar Organiser",
        "organisation": "Public Sector Web Professionals Network",
        "sector": Sector.THIRD,
        "job_title": "Programme manager",
        "web_groups": ["e-communications"],
        "role": Role.ORGANISER,
    },
    {
        "email": "admin@example.gov.uk",
        "password": "demo administrator password",
        "name": "Ada Administrator",
        "organisation": "Public Sector Web Professionals Network",
        "sector": Sector.THIRD,
        "job_title": "Service administrator",
        "web_groups": [],
        "role": Role.ADMINISTRATOR,
    },
]


def load_shipped_frameworks(frameworks_dir: Path) -> list[str]:
    """Import each shipped framework file not imported yet; return what each import said."""
    return [import_file(path, now=utcnow()).message for path in shipped_files(frameworks_dir)]


def load_demo_accounts() -> list[str]:
    """Create the demo accounts that do not exist yet; return the addresses created."""
    created = []
    for account in DEMO_ACCOUNTS:
        if find_user_by_email(account["email"]) is None:
            register_user(**account, now=utcnow(), is_demo=True, confirmed=True)
            created.append(account["email"])
    return created
