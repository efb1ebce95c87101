"""GraphQL of the support policy (SUP-01..06)."""
