"""Use cases of partners and their memberships: registration, enrolment and tier changes
(SEG-TIER-01/02, CS-AGR-02/03).
"""
