"""Persistence of partners, memberships and tier history."""
