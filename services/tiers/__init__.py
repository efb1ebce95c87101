"""Use cases of tier governance: evidence, tier evaluation, invitations and benefits, MDF, usage
and access obligations, engagement plans, quarterly review and program-year rollover
(SEG-TIER-02..10, SEG-AGR-02..05, CS-AGR-03..05).
"""
