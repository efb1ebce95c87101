"""Persistence of the append-only audit log."""
