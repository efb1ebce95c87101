"""Use cases of commissions: qualified agreements, revenue, client payments, the commission
ledger, tax documentation, payouts with set-off and statements (CS-REF-05..08/11..17,
CS-AGR-11, SEG-TIER-11).
"""
