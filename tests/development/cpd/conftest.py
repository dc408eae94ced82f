"""Fixtures of the cpd tests."""

from tests.development.records import published

__all__ = ["published"]
