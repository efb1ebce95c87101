"""GraphQL of the audit log."""
