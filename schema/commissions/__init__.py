"""GraphQL of commissions: qualified agreements, revenue and NCR, client payments, commissions
explained line by line, tax documentation, payouts with set-off and yearly statements
(CS-REF-05..08/11..17, CS-AGR-11, SEG-TIER-11).
"""
