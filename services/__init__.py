"""Use cases, one package per domain; each use case owns its transaction."""
