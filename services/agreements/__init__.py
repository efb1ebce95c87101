"""Use cases of agreements: acceptance, applications, notices and terminations, and an
agreement's state as of a date (SEG-AGR-01/07..13, SEG-TIER-10, CS-AGR-01/06/08/09).
"""
