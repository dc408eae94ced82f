"""Choosing a role: the member's own kinds of web work first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")

# Kinds of web work asked at sign-up whose role has another code in the framework.
WEB_GROUP_ROLES = {"content-manager": "content-editor", "analytics": "measurement"}


def split_roles(roles: Sequence[T], web_groups: Iterable[str]) -> tuple[list[T], list[T]]:
    """A framework's roles (anything with a `code`) split into the person's own kinds of web
    work, given at sign-up, and the others; each part keeps the framework's order."""
    own = {WEB_GROUP_ROLES.get(code, code) for code in web_groups}
    mine = [role for role in roles if getattr(role, "code", None) in own]
    return mine, [role for role in roles if role not in mine]
