"""GraphQL of partners, memberships and tier history."""
