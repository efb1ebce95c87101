"""Persistence of contract template versions, rendered documents, and the content-addressed blob
store.
"""
