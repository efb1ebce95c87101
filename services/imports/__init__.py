"""History import and export: a program's partners, memberships and tier history, agreements
and acceptances, referrals, qualified agreements, revenue, client payments, payouts and evidence
loaded from documented CSV files with their original dates (issue 11, docs/import.md)."""
