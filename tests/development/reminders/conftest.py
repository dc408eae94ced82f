"""Fixtures of the reminders tests."""

from tests.development.records import published

__all__ = ["published"]
