"""Persistence of referrals, client claims and the active-opportunity registry."""
