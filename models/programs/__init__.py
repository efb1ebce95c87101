"""Persistence of programs and their tiers, benefits and requirements."""
