"""Use cases of the support policy: support hours, support lists, incidents with response clocks,
escalation and exclusions (SUP-01..06).
"""
