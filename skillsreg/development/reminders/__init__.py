"""Reminders with a rhythm: a short monthly or quarterly email about a member's development."""
