"""GraphQL of referrals and the active-opportunity registry (CS-REF-*, SEG-TIER-11)."""
