"""Use cases of webhooks: the transactional outbox, endpoints, the SSRF guard and the delivery
worker.
"""
