"""GraphQL of API keys: the caller's keys, and making, revoking, rolling and expiring them."""
