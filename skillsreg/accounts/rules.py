"""Account rules without Flask or SQLAlchemy: sectors, regions, web groups, password policy."""

from __future__ import annotations

import enum
from functools import cache

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


class Sector(enum.Enum):
    PUBLIC = "public"
    THIRD = "third"
    SUPPLIER = "supplier"
    FREELANCE = "freelance"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.PUBLIC: "Public sector",
    Sector.THIRD: "Third sector (charity, voluntary or community)",
    Sector.SUPPLIER: "Supplier to the public sector",
    Sector.FREELANCE: "Freelance",
}


class Role(enum.Enum):
    MEMBER = "member"
    ORGANISER = "organiser"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The ten groups of web professionals the network was founded for; codes match framework roles.
WEB_GROUPS: dict[str, str] = {
    "programmer": "Programmers and coders",
    "web-developer": "Web developers",
    "web-designer": "Web designers",
    "content-manager": "Content managers and editors",
    "social-media": "Social networking experts",
    "analytics": "Measurement and monitoring specialists",
    "web-marketer": "Web marketers",
    "web-manager": "Web managers",
    "service-head": "Customer service or IT heads with web responsibilities",
    "e-communications": "E-communications professionals",
}


# The UK's nations and English regions (ITL1), for the optional region of an account.
UK_REGIONS: dict[str, str] = {
    "north-east": "North East",
    "north-west": "North West",
    "yorkshire-humber": "Yorkshire and The Humber",
    "east-midlands": "East Midlands",
    "west-midlands": "West Midlands",
    "east": "East of England",
    "london": "London",
    "south-east": "South East",
    "south-west": "South West",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, from zxcvbn's frequency list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None; length and commonness only."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip("0123456789!") in common_passwords():
        return "Password is too common: choose one that is harder to guess"
    if email and lowered == email.lower():
        return "Password must not be your email address"
    return None


def normalise_email(email: str) -> str:
    """The form of an address that uniqueness is checked on."""
    return email.strip().lower()
