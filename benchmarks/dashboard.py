"""The dashboard query of issue 14: partners with memberships, tier and agreements, and a page
of each partner's referrals with their commissions, as one nested query."""

from __future__ import annotations

DASHBOARD = """query Dashboard($partners: Int!, $referrals: Int!) {
  partners(first: $partners) { nodes { id displayName
    memberships { status tier { name } }
    agreements { id kind status }
    referrals(first: $referrals) { nodes { id clientName status submittedAt
      commission { amount { amount currency } status } } } } } }"""

POSTGRAPHILE_DASHBOARD = """query Dashboard($partners: Int!, $referrals: Int!) {
  allPartners(first: $partners, orderBy: DISPLAY_NAME_ASC) { nodes { id displayName
    membershipsByPartnerId { nodes { status tierByTierId { name } } }
    agreementsByPartnerId { nodes { id kind effectiveOn } }
    referralsByPartnerId(first: $referrals, orderBy: SUBMITTED_AT_DESC) { nodes { id clientName
      stage submittedAt qualifiedAgreementByReferralId {
        commissionByQualifiedAgreementId { amount currency paidOn } } } } } } }"""
"""The same data from PostGraphile 5's generated schema (amber preset) on the same tables."""

FAST_PATH_DASHBOARD = DASHBOARD.replace(
    "partners(first: $partners) { nodes {",
    "partners(first: $partners) { pageInfo { hasNextPage } nodes {",
)
"""The dashboard with the partners' `pageInfo`, which has no SQL mirror: Python's fast path
answers it (`schema/fast_path.py`), so its cost is mostly the server's own CPU."""
