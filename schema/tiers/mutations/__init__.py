"""Mutations of tier governance, one module per use-case group (SEG-TIER-03..08, SEG-AGR-03..05,
CS-AGR-04/05).
"""
