"""Persistence of the HTTP edge: users and API keys, idempotency records, rate-limit buckets."""
