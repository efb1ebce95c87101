"""GraphQL of webhook endpoints and their delivery log."""
