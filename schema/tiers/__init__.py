"""GraphQL of tier governance: evaluation, evidence, MDF, usage, access requests, notices
(SEG-TIER-*, CS-AGR-03..05).
"""
