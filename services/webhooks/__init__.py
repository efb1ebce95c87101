"""Use cases of webhooks: the transactional outbox, endpoints (register, update, redeliver),
the SSRF guard and the delivery worker (Standard Webhooks signatures, retries, backoff).
"""
