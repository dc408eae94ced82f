"""Offers, the waiting list, invitations and attendance."""
