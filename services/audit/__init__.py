"""Use cases of the audit log: events written in the same transaction as the change they
describe.
"""
