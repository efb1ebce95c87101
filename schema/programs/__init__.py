"""GraphQL of programs, tiers, benefits and requirements."""
