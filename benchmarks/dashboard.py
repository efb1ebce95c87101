"""The dashboard query of issue 14: partners with memberships, tier and agreements, and a page
of each partner's referrals with their commissions, as one nested query."""

from __future__ import annotations

DASHBOARD = """query Dashboard($partners: Int!, $referrals: Int!) {
  partners(first: $partners) { nodes { id displayName
    memberships { status tier { name } }
    agreements { id kind status }
    referrals(first: $referrals) { nodes { id clientName status submittedAt
      commission { amount { amount currency } status } } } } } }"""
