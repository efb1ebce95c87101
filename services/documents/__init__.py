"""Use cases of contract documents: template versions, the variables a template sees, and
rendering into stored, content-addressed documents.
"""
