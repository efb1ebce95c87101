"""GraphQL of contract documents and template versions."""
