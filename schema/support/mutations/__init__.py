"""Mutations of the support policy, one module per use-case group (SUP-01..06)."""
