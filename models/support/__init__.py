"""Persistence of support profiles, support lists and incidents."""
