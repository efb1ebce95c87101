"""Use cases of referrals: submission with conflicts decided by the database, decisions,
meetings, the active-opportunity registry and the program's referral policy
(CS-REF-01..04/09..11, SEG-TIER-11).
"""
