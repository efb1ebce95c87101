"""Use cases of partners and their memberships: registration, enrolment (directly or by a
signed agreement), tier changes, deactivation and partner notifications (SEG-TIER-01/02/06/07,
SEG-AGR-02, CS-AGR-02/03).
"""
