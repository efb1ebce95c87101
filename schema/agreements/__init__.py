"""GraphQL of agreements: types, queries and mutations of the agreement lifecycle (SEG-AGR-*,
CS-AGR-01/06).
"""
