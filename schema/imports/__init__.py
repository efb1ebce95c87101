"""GraphQL of history imports: the importProgramHistory mutation (issue 11, docs/import.md)."""
