"""Persistence of qualified agreements, revenue, payments, commissions, tax documents and
payouts.
"""
